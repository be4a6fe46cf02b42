// Renders k8s/base and every overlay with kustomize and checks every object offline:
//  1. against the Kubernetes JSON schemas (npm kubernetes-models: types, formats such as quantities, required fields),
//  2. against FitCluster's deployment rules (k8s/README.md): probes, requests and limits, a PodDisruptionBudget per
//     FitCluster deployment that selects exactly its pods, pod anti-affinity over nodes, rolling updates with maxSurge 1
//     and maxUnavailable 0, graceful shutdown (preStop sleep + the .NET host's shutdown timeout < grace period), images
//     pinned by the overlays, references between objects (Service selectors and ports, ConfigMaps).
//
// node validate.mjs [--k8s DIR] [--write DIR] [--rendered NAME=FILE ...]   (after `npm ci` in this folder)
//   --k8s DIR        the kustomize tree (default: k8s/ of this repository); renders DIR/base and DIR/overlays/*
//   --write DIR      also write each rendering to DIR (base.yaml, overlays-prod.yaml, ...)
//   --rendered N=F   check an already rendered multi-document YAML file F under the name N instead (no kustomize)
// The renderer is $KUSTOMIZE (a kustomize binary), else `kustomize build`, else `kubectl kustomize` from PATH.
// Exit 0: all valid; 1: problems (listed); 3: no kustomize or kubectl found (nothing checked).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", ".."); // where this script lives in the repository (tests/k8s-validate)

// The FitCluster deployments and what the issue asks of each (k8s/README.md).
const APPS = {
  "fitcluster-silo": {
    image: "localhost/fitcluster/silo",
    probes: { startupProbe: "/health/live", livenessProbe: "/health/live", readinessProbe: "/health/ready" },
  },
  "fitcluster-gateway": {
    image: "localhost/fitcluster/gateway",
    probes: { startupProbe: "/health", livenessProbe: "/health", readinessProbe: "/health" },
  },
};
// The .NET host's default ShutdownTimeout when DOTNET_SHUTDOWNTIMEOUTSECONDS is not set.
const DEFAULT_SHUTDOWN_SECONDS = 30;

function parseArgs(argv) {
  const options = { k8s: join(repo, "k8s"), write: null, rendered: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--k8s") options.k8s = resolve(argv[++i]);
    else if (argv[i] === "--write") options.write = resolve(argv[++i]);
    else if (argv[i] === "--rendered") {
      const [name, file] = argv[++i].split(/=(.*)/s);
      options.rendered.push({ name, file });
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  return options;
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return null;
}

function renderer() {
  if (process.env.KUSTOMIZE) return { describe: process.env.KUSTOMIZE, run: (dir) => [process.env.KUSTOMIZE, ["build", dir]] };
  const kustomize = onPath("kustomize");
  if (kustomize) return { describe: kustomize, run: (dir) => [kustomize, ["build", dir]] };
  const kubectl = onPath("kubectl");
  if (kubectl) return { describe: `${kubectl} kustomize`, run: (dir) => [kubectl, ["kustomize", dir]] };
  return null;
}

function kustomizations(k8s) {
  const dirs = [join(k8s, "base")];
  const overlays = join(k8s, "overlays");
  if (existsSync(overlays)) {
    for (const name of readdirSync(overlays).sort()) {
      if (existsSync(join(overlays, name, "kustomization.yaml"))) dirs.push(join(overlays, name));
    }
  }
  return dirs;
}

// kubernetes-models: apps/v1 -> kubernetes-models/apps/v1, v1 -> kubernetes-models/v1; the class is the kind.
async function schemaValidate(object) {
  const module = `kubernetes-models/${object.apiVersion}`;
  let models;
  try {
    models = await import(module);
  } catch {
    return [`no schema for apiVersion ${object.apiVersion}`];
  }
  const Model = models[object.kind];
  if (typeof Model !== "function") return [`no schema for kind ${object.kind} in ${object.apiVersion}`];
  try {
    new Model(object).validate();
    return [];
  } catch (e) {
    return (e.errors ?? [{ instancePath: "", message: e.message }]).filter((x) => x.keyword !== "oneOf")
      .map((x) => `schema: ${x.instancePath || "/"} ${x.message}${x.params?.allowedValues ? ` (${x.params.allowedValues.join(", ")})` : ""}`);
  }
}

// A label selector (matchLabels and matchExpressions) against a set of labels.
function selects(selector, labels = {}) {
  if (!selector) return false;
  const { matchLabels = {}, matchExpressions = [] } = selector;
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) return true;
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  return matchExpressions.every(({ key, operator, values = [] }) => {
    switch (operator) {
      case "In": return key in labels && values.includes(labels[key]);
      case "NotIn": return !(key in labels) || !values.includes(labels[key]);
      case "Exists": return key in labels;
      case "DoesNotExist": return !(key in labels);
      default: return false;
    }
  });
}

const ns = (o) => o.metadata?.namespace ?? "";
const podLabels = (d) => d.spec?.template?.metadata?.labels ?? {};

function preStopSeconds(container) {
  const preStop = container.lifecycle?.preStop;
  if (!preStop) return null;
  if (preStop.sleep) return preStop.sleep.seconds;
  const command = preStop.exec?.command ?? [];
  const sleep = command.join(" ").match(/\bsleep\s+(\d+)/);
  return sleep ? Number(sleep[1]) : null;
}

function envValue(container, name, configMaps) {
  const entry = (container.env ?? []).find((e) => e.name === name);
  if (entry && "value" in entry) return entry.value;
  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? "";
    const data = configMaps.get(source.configMapRef?.name)?.data ?? {};
    if (name.startsWith(prefix) && data[name.slice(prefix.length)] !== undefined) return data[name.slice(prefix.length)];
  }
  return undefined;
}

function checkRules(name, objects, problems) {
  const where = (o) => `${o.kind}/${o.metadata?.name}`;
  const add = (o, message) => problems.push(`${name}: ${o ? `${where(o)}: ` : ""}${message}`);
  const deployments = objects.filter((o) => o.kind === "Deployment");
  const pdbs = objects.filter((o) => o.kind === "PodDisruptionBudget");
  const configMaps = new Map(objects.filter((o) => o.kind === "ConfigMap").map((o) => [o.metadata.name, o]));
  const isOverlay = name.includes("overlays/") || name.startsWith("overlay");

  for (const app of Object.keys(APPS)) {
    if (!deployments.some((d) => d.metadata.name === app)) add(null, `no Deployment ${app}`);
  }

  for (const d of deployments) {
    const spec = d.spec ?? {};
    const pod = spec.template?.spec ?? {};
    if (!selects(spec.selector, podLabels(d))) add(d, "spec.selector does not select the pod template's labels");
    for (const c of pod.containers ?? []) {
      const ports = new Set((c.ports ?? []).map((p) => p.name).filter(Boolean));
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        const p = c[probe];
        if (!p) { add(d, `container ${c.name} has no ${probe}`); continue; }
        const port = p.httpGet?.port ?? p.tcpSocket?.port ?? p.grpc?.port;
        if (typeof port === "string" && !ports.has(port)) add(d, `container ${c.name}: ${probe} names port ${port}, which the container does not declare`);
      }
      const requests = c.resources?.requests ?? {};
      const limits = c.resources?.limits ?? {};
      if (!requests.cpu || !requests.memory) add(d, `container ${c.name} lacks resources.requests.cpu or .memory`);
      if (!limits.memory) add(d, `container ${c.name} lacks resources.limits.memory`);
      for (const source of c.envFrom ?? []) {
        const ref = source.configMapRef;
        if (ref && !ref.optional && !configMaps.has(ref.name)) add(d, `container ${c.name}: envFrom ConfigMap ${ref.name} is not in the rendered objects`);
      }
    }

    const app = APPS[d.metadata.name];
    if (!app) continue;
    const c = (pod.containers ?? [])[0] ?? {};

    // Image: the one ./fit image builds, pinned to a version by every overlay.
    const [image, tag] = (c.image ?? "").split(/:(?=[^/]*$)/);
    if (image !== app.image) add(d, `image ${c.image}: expected ${app.image}[:VERSION]`);
    if (isOverlay && (!tag || tag === "latest")) add(d, `image ${c.image}: the overlay must pin a version (kustomize images: newTag)`);

    for (const [probe, path] of Object.entries(app.probes)) {
      const actual = c[probe]?.httpGet?.path;
      if (c[probe] && actual !== path) add(d, `${probe} checks ${actual ?? "(no HTTP path)"}, expected ${path}`);
    }

    // Rolling update: one extra pod at a time, never one less.
    const rolling = spec.strategy?.rollingUpdate;
    if ((spec.strategy?.type ?? "RollingUpdate") !== "RollingUpdate" || String(rolling?.maxSurge) !== "1" || String(rolling?.maxUnavailable) !== "0") {
      add(d, `strategy must be RollingUpdate with maxSurge 1 and maxUnavailable 0 (is ${JSON.stringify(spec.strategy ?? {})})`);
    }

    // Exactly one PodDisruptionBudget selects this deployment's pods, and it selects no other deployment's pods.
    const own = pdbs.filter((p) => ns(p) === ns(d) && selects(p.spec?.selector, podLabels(d)));
    if (own.length !== 1) add(d, `${own.length} PodDisruptionBudgets select its pods (expected 1)`);
    for (const p of own) {
      for (const other of deployments.filter((o) => o !== d && ns(o) === ns(d))) {
        if (selects(p.spec?.selector, podLabels(other))) add(p, `also selects the pods of ${where(other)}`);
      }
      const minAvailable = p.spec?.minAvailable;
      if (minAvailable !== undefined && Number(minAvailable) >= (spec.replicas ?? 1)) add(p, `minAvailable ${minAvailable} blocks every eviction of ${spec.replicas ?? 1} replica(s)`);
    }

    // Spread over nodes: pod anti-affinity on the node's hostname against its own pods.
    const anti = pod.affinity?.podAntiAffinity ?? {};
    const terms = [
      ...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []),
      ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
    ];
    if (!terms.some((t) => t?.topologyKey === "kubernetes.io/hostname" && selects(t.labelSelector, podLabels(d)))) {
      add(d, "no pod anti-affinity over kubernetes.io/hostname that selects its own pods");
    }

    // Graceful shutdown: preStop sleep, then SIGTERM and the host's shutdown timeout, all before SIGKILL.
    const sleep = preStopSeconds(c);
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    const timeoutText = envValue(c, "DOTNET_SHUTDOWNTIMEOUTSECONDS", configMaps);
    const timeout = timeoutText === undefined ? DEFAULT_SHUTDOWN_SECONDS : Number(timeoutText);
    if (sleep === null || !(sleep > 0)) add(d, "no preStop sleep (the Service must stop routing to the pod before SIGTERM)");
    else if (!Number.isInteger(timeout)) add(d, `DOTNET_SHUTDOWNTIMEOUTSECONDS ${timeoutText} is not a whole number of seconds`);
    else if (!(grace > sleep + timeout)) add(d, `terminationGracePeriodSeconds ${grace} must exceed preStop sleep ${sleep} + shutdown timeout ${timeout}`);
  }

  // Services reach pods: the selector matches a deployment's pods and every named targetPort is a port of theirs.
  for (const s of objects.filter((o) => o.kind === "Service")) {
    const targets = deployments.filter((d) => ns(d) === ns(s) && selects({ matchLabels: s.spec?.selector ?? {} }, podLabels(d)));
    if (!s.spec?.selector || targets.length === 0) { add(s, "selects no Deployment's pods"); continue; }
    for (const port of s.spec.ports ?? []) {
      if (typeof port.targetPort !== "string") continue;
      const found = targets.some((d) => (d.spec.template.spec.containers ?? []).some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort)));
      if (!found) add(s, `targetPort ${port.targetPort} is no container port of ${targets.map(where).join(", ")}`);
    }
  }
}

async function check(name, yamlText, problems) {
  const objects = [];
  for (const document of parseAllDocuments(yamlText)) {
    if (document.errors.length > 0) { problems.push(`${name}: YAML: ${document.errors[0].message}`); continue; }
    const object = document.toJS();
    if (object) objects.push(object);
  }
  if (objects.length === 0) problems.push(`${name}: no objects`);
  for (const object of objects) {
    if (!object.apiVersion || !object.kind || !object.metadata?.name) {
      problems.push(`${name}: an object without apiVersion, kind or metadata.name`);
      continue;
    }
    for (const problem of await schemaValidate(object)) problems.push(`${name}: ${object.kind}/${object.metadata.name}: ${problem}`);
  }
  checkRules(name, objects, problems);
  const kinds = {};
  for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  return `${objects.length} objects (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ")})`;
}

const options = parseArgs(process.argv.slice(2));
const problems = [];
const started = performance.now();
const inputs = [];
if (options.rendered.length > 0) {
  for (const { name, file } of options.rendered) inputs.push({ name, text: () => readFileSync(file, "utf8") });
} else {
  const render = renderer();
  if (!render) {
    console.log("SKIP: neither kustomize nor kubectl is on PATH (nor $KUSTOMIZE): nothing rendered");
    process.exit(3);
  }
  console.log(`rendering with ${render.describe}`);
  for (const dir of kustomizations(options.k8s)) {
    const [file, args] = render.run(dir);
    inputs.push({
      name: relative(dirname(options.k8s), dir),
      text: () => execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 }),
    });
  }
}

for (const input of inputs) {
  const before = performance.now();
  let text;
  try {
    text = input.text();
  } catch (e) {
    problems.push(`${input.name}: render failed: ${(e.stderr || e.message).toString().trim()}`);
    continue;
  }
  const rendered = performance.now();
  if (options.write) {
    mkdirSync(options.write, { recursive: true });
    writeFileSync(join(options.write, `${input.name.replace(/^k8s\//, "").replaceAll("/", "-")}.yaml`), text);
  }
  const summary = await check(input.name, text, problems);
  console.log(`${input.name}: ${summary}; rendered in ${Math.round(rendered - before)} ms, checked in ${Math.round(performance.now() - rendered)} ms`);
}

for (const problem of problems) console.log(`PROBLEM ${problem}`);
console.log(`${inputs.length} kustomizations, ${problems.length} problems, ${Math.round(performance.now() - started)} ms`);
process.exit(problems.length === 0 ? 0 : 1);

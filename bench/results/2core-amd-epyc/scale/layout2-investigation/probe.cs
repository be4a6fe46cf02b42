#:project ../../../../FitCluster.LoadTest/FitCluster.LoadTest.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
// Where a scale request's time goes (investigation, not committed). The same ScaleWorkload requests as the benchmark,
// paced 50 ms apart (20/s, the benchmark's moderate rate), one at a time.
//   inproc ARTIFACT CATALOG ITEMS [N]: the in-process Ranker over the catalog (RankTimings) and the id lookups alone.
//   http ARTIFACT ITEMS URL [N]: a running silo's POST /v1/rank; client latency and the response's own stage timings.
using System.Diagnostics;
using System.Text.Json;
using FitCluster.LoadTest;
using FitCluster.LoadTest.Scale;
using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;

var mode = args[0];
var source = ModelArtifact.Load(args[1]);
var users = GoldenSet.Read(source.PathOf(source.Manifest.Golden.File)).Requests.Select(r => r.UserFeatures).ToList();
static string P(List<double> v) { var s = v.Order().ToArray(); return $"p50 {s[s.Length / 2]:0.000} p99 {s[(int)(s.Length * 0.99)]:0.000}"; }
if (mode == "inproc")
{
    var catalog = args[2]; var items = int.Parse(args[3]); var requests = args.Length > 4 ? int.Parse(args[4]) : 300;
    var keys = new CatalogKeys(CatalogKeys.SourceKeysOf(source), items);
    var load = Stopwatch.StartNew();
    using var ranker = Ranker.Load(catalog, new InferenceOptions { VerifyChecksums = false });
    Console.WriteLine($"loaded {items:N0} items in {load.Elapsed.TotalSeconds:0.0} s; RSS {Environment.WorkingSet / 1048576} MiB; shards {ranker.Shards.Count}");
    foreach (var candidates in new[] { 2000, 10000 })
    {
        var workload = new ScaleWorkload(users, keys, source.Manifest.Dims.ItemCount, source.Manifest.Dims.SequenceLength, candidates, 100, 1);
        var queries = Enumerable.Range(0, 64).Select(i => workload.Request(i)).Select(r => new RankQuery(r.User, r.Behaviours, r.Candidates, r.K)).ToArray();
        for (var i = 0; i < 50; i++)
        {
            ranker.Rank(queries[i % queries.Length]);
        }

        List<double> total = [], tower = [], scoring = [], top = [], find = [];
        for (var i = 0; i < requests; i++)
        {
            var q = queries[i % queries.Length];
            var t = ranker.Rank(q).Timings;
            total.Add(t.TotalMs); tower.Add(t.UserTowerMs); scoring.Add(t.ScoringMs); top.Add(t.TopKMs);
            var parts = ranker.Plan.Partition(q.Candidates);
            var s0 = Stopwatch.GetTimestamp();
            var found = 0;
            for (var s = 0; s < parts.Length; s++)
            {
                foreach (var id in parts[s].Ids)
                {
                    found += ranker.Shards[s].Find(id) >= 0 ? 1 : 0;
                }
            }

            find.Add(Stopwatch.GetElapsedTime(s0).TotalMilliseconds);
            if (found != candidates)
            {
                throw new InvalidOperationException($"{found} of {candidates} found");
            }

            Thread.Sleep(50);
        }
        Console.WriteLine($"inproc {items:N0} items, {candidates:N0} candidates, {requests} requests: total {P(total)} ms | user tower {P(tower)} | scoring incl. id lookups {P(scoring)} | top-k {P(top)} | id lookups alone (after the rank, warm) {P(find)}");
    }
}
else
{
    var items = int.Parse(args[2]); var url = new Uri(args[3]); var requests = args.Length > 4 ? int.Parse(args[4]) : 300;
    var keys = new CatalogKeys(CatalogKeys.SourceKeysOf(source), items);
    using var client = new HttpClient();
    foreach (var candidates in new[] { 2000, 10000 })
    {
        var workload = new ScaleWorkload(users, keys, source.Manifest.Dims.ItemCount, source.Manifest.Dims.SequenceLength, candidates, 100, 1);
        var prepared = workload.Prepare(64);
        var stages = new Dictionary<string, List<double>>();
        var e2e = new List<double>();
        for (var i = 0; i < requests + 30; i++)
        {
            var content = new ByteArrayContent(prepared[i % prepared.Count].Body);
            content.Headers.ContentType = new("application/json");
            var s0 = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync(url, content);
            var body = await response.Content.ReadAsByteArrayAsync();
            var ms = Stopwatch.GetElapsedTime(s0).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
            }

            if (i >= 30)
            {
                e2e.Add(ms);
                using var doc = JsonDocument.Parse(body);
                foreach (var p in doc.RootElement.GetProperty("timings").EnumerateObject())
                {
                    (stages.TryGetValue(p.Name, out var l) ? l : stages[p.Name] = []).Add(p.Value.GetDouble());
                }
            }
            Thread.Sleep(50);
        }
        Console.WriteLine($"http {items:N0} items, {candidates:N0} candidates, {requests} requests: client {P(e2e)} ms | " + string.Join(" | ", stages.Select(kv => $"{kv.Key} {P(kv.Value)}")));
    }
}

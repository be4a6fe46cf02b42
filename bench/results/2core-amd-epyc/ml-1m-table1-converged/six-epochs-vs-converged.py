#!/usr/bin/env python3
"""Writes six-epochs-vs-converged.svg beside this file: mean ± std test AUC per model, 6 epochs vs converged.

Reads the committed runs only (Python 3 standard library, no plotting package needed):
../ml-1m-table1/runs (6 epochs), ../ml-1m-compare/runs (fit-no-lss at 6 epochs) and ./runs (converged).
"""
import glob, json, os, statistics as st

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ['two-tower', 'dat', 'cold', 'inttower', 'ranktower', 'fit', 'fit-no-lss']


def load(pattern):
    runs = {}
    for f in glob.glob(os.path.join(HERE, pattern)):
        m = json.load(open(f))
        runs.setdefault(m['model'], {})[m['seed']] = m['test_auc']
    return runs


converged = load('runs/*/metrics.json')
six = load('../ml-1m-table1/runs/*/metrics.json')
six['fit-no-lss'] = load('../ml-1m-compare/runs/*/metrics.json')['fit-no-lss']

lo, hi = 0.910, 0.924
W, H, L, R, T, B = 900, 420, 70, 20, 50, 70
pw, ph = W - L - R, H - T - B


def y(v):
    return T + ph * (1 - (v - lo) / (hi - lo))


out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">'
       'ML-1M test AUC, mean ± std over seeds 1–3: 6 epochs vs trained to convergence</text>']
for k in range(8):
    v = lo + k * 0.002
    out.append(f'<line x1="{L}" x2="{W - R}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
               f'<text x="{L - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.3f}</text>')
gw = pw / len(MODELS)
bw = gw * 0.35
for i, model in enumerate(MODELS):
    for j, (runs, colour) in enumerate([(six, '#9db4d3'), (converged, '#1f4e8c')]):
        values = [runs[model][s] for s in sorted(runs[model])]
        m, s = st.mean(values), st.stdev(values)
        x = L + i * gw + gw * 0.15 + j * bw
        cx = x + bw / 2
        out.append(f'<rect x="{x:.1f}" y="{y(m):.1f}" width="{bw:.1f}" height="{T + ph - y(m):.1f}" fill="{colour}"/>')
        out.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(m + s):.1f}" y2="{y(m - s):.1f}" stroke="black"/>')
        out.append(f'<text x="{cx:.1f}" y="{y(m + s) - 4:.1f}" text-anchor="middle" font-size="10">{m:.4f}</text>')
    out.append(f'<text x="{L + i * gw + gw / 2:.1f}" y="{T + ph + 18}" text-anchor="middle">{model}</text>')
out.append(f'<line x1="{L}" x2="{W - R}" y1="{T + ph}" y2="{T + ph}" stroke="black"/>')
for j, (colour, label) in enumerate([('#9db4d3', '6 epochs (ml-1m-table1; fit-no-lss: ml-1m-compare)'),
                                     ('#1f4e8c', 'converged (patience 2, cap 30; every best epoch ≤ 12)')]):
    out.append(f'<rect x="{L + 10}" y="{H - 35 + j * 16}" width="12" height="12" fill="{colour}"/>'
               f'<text x="{L + 28}" y="{H - 25 + j * 16}">{label}</text>')
out.append(f'<text x="16" y="{T + ph / 2}" transform="rotate(-90 16 {T + ph / 2})" text-anchor="middle">'
           f'test AUC (axis starts at {lo})</text>')
out.append('</svg>')
with open(os.path.join(HERE, 'six-epochs-vs-converged.svg'), 'w') as f:
    f.write('\n'.join(out) + '\n')

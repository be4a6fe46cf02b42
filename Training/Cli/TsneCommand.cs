using System.CommandLine;
using System.Globalization;
using System.Text;
using FitCluster.Training.Evaluation;
using FitCluster.Training.Models;
using FitCluster.Training.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace FitCluster.Training.Cli;

/// <summary>
/// <c>fit bench tsne --checkpoint RUN</c> (FIT, Fig. 6): a 2-D t-SNE map of a trained FIT model's item attribute
/// embeddings e_c (eq. 4), coloured by their query index s (eq. 8), together with the query group Q* (eq. 5), the meta
/// vectors the items are assigned to; writes tsne.csv, tsne.png and summary.md.
/// </summary>
public static class TsneCommand
{
    /// <summary>File name of the map's coordinates.</summary>
    public const string MapFile = "tsne.csv";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder (or its checkpoint.bin) of a trained FIT model", Required = true };
        var output = new Option<string?>("--out") { Description = "Output folder (default bench/results/<hardware>/<dataset>-tsne)" };
        var data = new Option<string?>("--data") { Description = "Dataset folder, when the run's dataset.json is missing or points elsewhere" };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset name, when the run has no dataset.json" };
        var maxItems = new Option<int>("--max-items") { Description = "Items sampled for the map (exact t-SNE is quadratic)", DefaultValueFactory = _ => 2000 };
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE perplexity", DefaultValueFactory = _ => 30.0 };
        var iterations = new Option<int>("--iterations") { Description = "t-SNE iterations", DefaultValueFactory = _ => 1000 };
        var raw = new Option<bool>("--raw") { Description = "Map raw vectors instead of L2-normalised ones" };
        var force = new Option<bool>("--force") { Description = "Compute the map again even if tsne.csv exists" };
        var command = new Command("tsne", "Fig. 6: t-SNE map of a FIT model's item embeddings, coloured by query index, with the meta vectors (query group Q*)")
        {
            checkpoint, output, data, dataset, maxItems, perplexity, iterations, raw, force,
        };
        command.SetAction(parse =>
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(parse.GetValue(maxItems), 2, "--max-items");
            var directory = parse.GetValue(output);
            var existing = directory is null ? null : Path.Combine(directory, MapFile);
            if (existing is not null && File.Exists(existing) && !parse.GetValue(force))
            {
                Console.Error.WriteLine($"[bench] {existing} exists (--force computes it again): plotting it");
                Console.WriteLine(Summarise(directory!, Path.GetFileName(Path.GetFullPath(parse.GetRequiredValue(checkpoint))), ReadMap(existing)));
                return 0;
            }

            var loaded = LoadedCheckpoint.Load(parse.GetRequiredValue(checkpoint), parse.GetValue(dataset), parse.GetValue(data), Console.Error.WriteLine);
            using var model = loaded.Model;
            if (model is not FitModel { MetaQuery: not null } fit)
            {
                throw new ArgumentException($"'{loaded.RunDirectory}' is a {loaded.Run.Model} run: the map needs a FIT model with a meta query module.");
            }

            directory ??= BenchRunner.DefaultDirectory(loaded.Run.Dataset, "tsne");
            var points = Compute(fit, loaded.Splits.Log.ItemVocabSize - 1, parse.GetValue(maxItems), !parse.GetValue(raw),
                new TsneOptions { Perplexity = parse.GetValue(perplexity), Iterations = parse.GetValue(iterations) });
            Directory.CreateDirectory(directory);
            WriteMap(Path.Combine(directory, MapFile), points);
            Console.WriteLine(Summarise(directory, $"{loaded.Run.Model} on {loaded.Run.Dataset} (seed {loaded.Run.Seed})", points));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Embeds up to <paramref name="maxItems"/> items' e_c (a seeded sample of items 1..<paramref name="itemCount"/>) and all N
    /// rows of Q* in 2-D; each item point carries its query index, each meta vector its own row index.
    /// </summary>
    public static IReadOnlyList<MapPoint> Compute(FitModel model, int itemCount, int maxItems, bool normalise, TsneOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        var module = model.MetaQuery ?? throw new ArgumentException("The model has no meta query module.", nameof(model));
        var items = new int[itemCount];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = i + 1;
        }

        new Random(options.Seed).Shuffle(items);
        items = [.. items[..Math.Min(maxItems, items.Length)].Order()];
        float[] vectors;
        long[] queryIndex;
        int dim;
        int metaSize;
        model.eval();
        using (no_grad())
        using (NewDisposeScope())
        {
            var ids = tensor(items.Select(i => (long)i).ToArray());
            var embedded = model.Embeddings.ItemAttributes(ids);                  // e_c (FIT, eq. 4)
            var group = module.QueryGroup();                                       // Q* (FIT, eq. 5)
            queryIndex = model.QueryIndex(ids).data<long>().ToArray();             // s (FIT, eq. 8)
            var all = cat([embedded, group], 0);
            if (normalise)
            {
                all = nn.functional.normalize(all, p: 2, dim: 1);
            }

            dim = (int)all.shape[1];
            metaSize = (int)group.shape[0];
            vectors = all.contiguous().data<float>().ToArray();
        }

        var coordinates = Tsne.Embed(vectors, items.Length + metaSize, dim, options with { Perplexity = Math.Min(options.Perplexity, (items.Length + metaSize - 1) / 3.0) },
            new InlineProgress<string>(m => Console.Error.WriteLine($"[tsne] {m}")));
        var points = new List<MapPoint>(items.Length + metaSize);
        for (var i = 0; i < items.Length; i++)
        {
            points.Add(new MapPoint(false, items[i], (int)queryIndex[i], coordinates[2 * i], coordinates[(2 * i) + 1]));
        }

        for (var m = 0; m < metaSize; m++)
        {
            var row = items.Length + m;
            points.Add(new MapPoint(true, m, m, coordinates[2 * row], coordinates[(2 * row) + 1]));
        }

        return points;
    }

    /// <summary>Writes summary.md and tsne.png for a map and returns the Markdown.</summary>
    public static string Summarise(string directory, string source, IReadOnlyList<MapPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var items = points.Where(p => !p.IsMeta).ToArray();
        var metas = points.Where(p => p.IsMeta).ToArray();
        var occupied = items.Select(p => p.QueryIndex).Distinct().Count();
        var largest = items.Length == 0 ? 0 : items.GroupBy(p => p.QueryIndex).Max(g => g.Count());
        // Share of items whose nearest meta vector on the map is their own: "the item meta vector is at the center of
        // the item embedding vectors set" (§5.4.3), measured.
        var ownNearest = items.Length == 0 || metas.Length == 0 ? double.NaN : items.Count(i => NearestMeta(i, metas) == i.QueryIndex) / (double)items.Length;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# t-SNE map of item embeddings and meta vectors: {source}");
        text.AppendLine();
        text.AppendLine(MarkdownTable.Render(
            ["items", "meta vectors", "query indices used", "largest group (share of items)", "items nearest their own meta vector"],
            [[items.Length.ToString(CultureInfo.InvariantCulture), metas.Length.ToString(CultureInfo.InvariantCulture),
              occupied.ToString(CultureInfo.InvariantCulture),
              items.Length == 0 ? "–" : ((double)largest / items.Length).ToString("P1", CultureInfo.InvariantCulture),
              double.IsNaN(ownNearest) ? "–" : ownNearest.ToString("P1", CultureInfo.InvariantCulture)]]));
        text.AppendLine("Points: item attribute embeddings e_c (eq. 4) coloured by query index s (eq. 8; colours repeat beyond 20); "
            + "diamonds: the meta vectors q*_i of Q* (eq. 5), coloured like their items. Vectors are L2-normalised unless --raw; exact t-SNE.");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "summary.md"), text.ToString());
        Plots.Map(Path.Combine(directory, "tsne.png"), $"t-SNE: item embeddings and meta vectors ({source})",
            [.. points.Select(p => p.X)], [.. points.Select(p => p.Y)], [.. points.Select(p => p.QueryIndex)], [.. points.Select(p => p.IsMeta)],
            "item e_c (colour: query index)", "meta vector q*_i");
        return text.ToString();
    }

    /// <summary>Writes a map as CSV: kind (item / meta), id (item index / meta row), query_index, x, y.</summary>
    public static void WriteMap(string path, IReadOnlyList<MapPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var text = new StringBuilder("kind,id,query_index,x,y\n");
        foreach (var p in points)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(p.IsMeta ? "meta" : "item")},{p.Id},{p.QueryIndex},{p.X:R},{p.Y:R}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads a map written by <see cref="WriteMap"/>.</summary>
    public static IReadOnlyList<MapPoint> ReadMap(string path) => [.. File.ReadLines(path).Skip(1).Select(line =>
    {
        var parts = line.Split(',');
        return new MapPoint(parts[0] == "meta", int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture),
            double.Parse(parts[3], CultureInfo.InvariantCulture), double.Parse(parts[4], CultureInfo.InvariantCulture));
    })];

    private static int NearestMeta(MapPoint item, MapPoint[] metas)
    {
        var best = -1;
        var bestDistance = double.PositiveInfinity;
        foreach (var m in metas)
        {
            var d = ((m.X - item.X) * (m.X - item.X)) + ((m.Y - item.Y) * (m.Y - item.Y));
            if (d < bestDistance)
            {
                bestDistance = d;
                best = m.QueryIndex;
            }
        }

        return best;
    }
}

using FitCluster.Training.Evaluation;

namespace FitCluster.Training.Tests.Evaluation;

public sealed class TsneTests
{
    [Fact]
    public void Embed_WellSeparatedClusters_NearestNeighbourKeepsLabel()
    {
        const int clusters = 4, perCluster = 40, dim = 10;
        var random = new Random(3);
        var data = new float[clusters * perCluster * dim];
        var labels = new int[clusters * perCluster];
        for (var c = 0; c < clusters; c++)
        {
            for (var i = 0; i < perCluster; i++)
            {
                var point = (c * perCluster) + i;
                labels[point] = c;
                for (var k = 0; k < dim; k++)
                {
                    // Centres 10σ apart on different axes.
                    data[(point * dim) + k] = (float)((k == c ? 10.0 : 0.0) + Normal(random));
                }
            }
        }

        var y = Tsne.Embed(data, labels.Length, dim, new TsneOptions { Perplexity = 15, Iterations = 500, Seed = 2 });

        var agree = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var nearest = -1;
            var best = double.PositiveInfinity;
            for (var j = 0; j < labels.Length; j++)
            {
                var d = Math.Pow(y[2 * i] - y[2 * j], 2) + Math.Pow(y[(2 * i) + 1] - y[(2 * j) + 1], 2);
                if (j != i && d < best)
                {
                    best = d;
                    nearest = j;
                }
            }

            agree += labels[nearest] == labels[i] ? 1 : 0;
        }

        Assert.True(agree / (double)labels.Length >= 0.95, $"nearest-neighbour label agreement {agree}/{labels.Length}");
        Assert.All(y, v => Assert.True(double.IsFinite(v)));
    }

    [Theory]
    [InlineData(5.0)]
    [InlineData(20.0)]
    public void ConditionalAffinities_EachRow_HitsTargetEntropy(double perplexity)
    {
        const int n = 60, dim = 3;
        var random = new Random(5);
        var data = new float[n * dim];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)(Normal(random) * (i % 7));
        }

        var p = Tsne.ConditionalAffinities(Tsne.SquaredDistances(data, n, dim), n, perplexity, out var entropies);

        for (var i = 0; i < n; i++)
        {
            var row = p.AsSpan(i * n, n);
            double sum = 0, entropy = 0;
            foreach (var v in row)
            {
                sum += v;
                entropy -= v > 0 ? v * Math.Log(v) : 0;
            }

            Assert.Equal(0, row[i]);
            Assert.Equal(1, sum, 9);
            Assert.Equal(Math.Log(perplexity), entropy, 3); // recomputed from the row, not the returned value
            Assert.Equal(entropy, entropies[i], 6);
        }
    }

    [Fact]
    public void Embed_PerplexityTooLarge_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Tsne.Embed(new float[10], 5, 2, new TsneOptions { Perplexity = 30 }));
        Assert.Contains("Perplexity must be in", error.Message, StringComparison.Ordinal);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

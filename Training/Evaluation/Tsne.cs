namespace FitCluster.Training.Evaluation;

/// <summary>
/// Exact t-SNE (van der Maaten &amp; Hinton, 2008) to two dimensions: Gaussian input affinities calibrated per point to a
/// target perplexity by bisection, symmetrised; Student-t output affinities; gradient descent with early exaggeration,
/// momentum (0.5, then 0.8) and per-coordinate gains. O(n²) time and memory per iteration, fine for a few thousand
/// points (FIT, Fig. 6 uses a sample of items). Deterministic for a seed.
/// </summary>
public static class Tsne
{
    private const int BisectionSteps = 100;
    private const double EntropyTolerance = 1e-5;
    private const double MinAffinity = 1e-12;

    /// <summary>Embeds <paramref name="count"/> points of <paramref name="dim"/> values each (row-major) in 2-D.</summary>
    /// <returns>Row-major <c>[count, 2]</c> coordinates.</returns>
    /// <exception cref="ArgumentException">Shapes disagree, fewer than 2 points, or the perplexity is not below <paramref name="count"/>.</exception>
    public static double[] Embed(ReadOnlySpan<float> data, int count, int dim, TsneOptions? options = null, IProgress<string>? progress = null)
    {
        options ??= new TsneOptions();
        if (count < 2 || dim < 1 || data.Length != count * dim)
        {
            throw new ArgumentException($"t-SNE needs at least 2 points: got {data.Length} values for {count} points × {dim}.", nameof(data));
        }

        if (!(options.Perplexity > 1) || options.Perplexity >= count)
        {
            throw new ArgumentException($"Perplexity must be in (1, {count}) for {count} points, got {options.Perplexity}.", nameof(options));
        }

        var distances = SquaredDistances(data, count, dim);
        var p = ConditionalAffinities(distances, count, options.Perplexity, out _);
        Symmetrise(p, count);
        return Optimise(p, count, options, progress);
    }

    /// <summary>Squared Euclidean distances, row-major <c>[count, count]</c>.</summary>
    public static double[] SquaredDistances(ReadOnlySpan<float> data, int count, int dim)
    {
        var distances = new double[count * count];
        for (var i = 0; i < count; i++)
        {
            for (var j = i + 1; j < count; j++)
            {
                double sum = 0;
                for (var k = 0; k < dim; k++)
                {
                    var d = (double)data[(i * dim) + k] - data[(j * dim) + k];
                    sum += d * d;
                }

                distances[(i * count) + j] = sum;
                distances[(j * count) + i] = sum;
            }
        }

        return distances;
    }

    /// <summary>
    /// p_{j|i} ∝ exp(−β_i d²_ij) per row, with β_i found by bisection so that the row's entropy is ln(perplexity).
    /// </summary>
    /// <param name="squaredDistances">Row-major <c>[count, count]</c>.</param>
    /// <param name="count">Points.</param>
    /// <param name="perplexity">Target perplexity.</param>
    /// <param name="entropies">The entropy (nats) each row reached.</param>
    /// <returns>Row-major conditional affinities; rows sum to 1, diagonal 0.</returns>
    public static double[] ConditionalAffinities(double[] squaredDistances, int count, double perplexity, out double[] entropies)
    {
        ArgumentNullException.ThrowIfNull(squaredDistances);
        var p = new double[count * count];
        var reached = new double[count];
        var target = Math.Log(perplexity);
        Parallel.For(0, count, i =>
        {
            var row = p.AsSpan(i * count, count);
            var d = squaredDistances.AsSpan(i * count, count);
            double beta = 1, low = 0, high = double.PositiveInfinity;
            var entropy = 0.0;
            for (var step = 0; step < BisectionSteps; step++)
            {
                entropy = RowAffinities(d, i, beta, row);
                var gap = entropy - target;
                if (Math.Abs(gap) < EntropyTolerance)
                {
                    break;
                }

                // Too high an entropy means too wide a Gaussian: increase the precision β.
                if (gap > 0)
                {
                    low = beta;
                    beta = double.IsPositiveInfinity(high) ? beta * 2 : (beta + high) / 2;
                }
                else
                {
                    high = beta;
                    beta = (beta + low) / 2;
                }
            }

            reached[i] = entropy;
        });
        entropies = reached;
        return p;
    }

    // Fills row with exp(−β d) normalised (row i's own entry 0) and returns its entropy in nats.
    private static double RowAffinities(ReadOnlySpan<double> d, int self, double beta, Span<double> row)
    {
        // Shift by the smallest distance so that exp never underflows to an all-zero row.
        var min = double.PositiveInfinity;
        for (var j = 0; j < d.Length; j++)
        {
            if (j != self && d[j] < min)
            {
                min = d[j];
            }
        }

        double sum = 0, weighted = 0;
        for (var j = 0; j < d.Length; j++)
        {
            row[j] = j == self ? 0 : Math.Exp(-beta * (d[j] - min));
            sum += row[j];
            weighted += row[j] * (d[j] - min);
        }

        for (var j = 0; j < d.Length; j++)
        {
            row[j] /= sum;
        }

        // H = ln Σ + β E[d − min]
        return Math.Log(sum) + (beta * weighted / sum);
    }

    // p_ij = (p_{j|i} + p_{i|j}) / 2n, floored.
    private static void Symmetrise(double[] p, int n)
    {
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var v = Math.Max((p[(i * n) + j] + p[(j * n) + i]) / (2.0 * n), MinAffinity);
                p[(i * n) + j] = v;
                p[(j * n) + i] = v;
            }
        }
    }

    private static double[] Optimise(double[] p, int n, TsneOptions options, IProgress<string>? progress)
    {
        var random = new Random(options.Seed);
        var y = new double[n * 2];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = 1e-4 * Gaussian(random);
        }

        var learningRate = options.LearningRate ?? Math.Max(n / options.Exaggeration / 4, 50);
        var velocity = new double[n * 2];
        var gains = new double[n * 2];
        Array.Fill(gains, 1.0);
        var gradient = new double[n * 2];
        var q = new double[n * n];
        for (var iteration = 0; iteration < options.Iterations; iteration++)
        {
            var exaggeration = iteration < options.ExaggerationIterations ? options.Exaggeration : 1.0;
            var momentum = iteration < options.ExaggerationIterations ? 0.5 : 0.8;
            Gradient(p, y, q, gradient, n, exaggeration);
            for (var k = 0; k < y.Length; k++)
            {
                // Delta-bar-delta gains: grow where the step keeps its direction, shrink where it flips.
                gains[k] = Math.Sign(gradient[k]) != Math.Sign(velocity[k]) ? gains[k] + 0.2 : Math.Max(gains[k] * 0.8, 0.01);
                velocity[k] = (momentum * velocity[k]) - (learningRate * gains[k] * gradient[k]);
                y[k] += velocity[k];
            }

            if (progress is not null && (iteration + 1) % 100 == 0)
            {
                progress.Report($"t-SNE iteration {iteration + 1}/{options.Iterations}");
            }
        }

        return y;
    }

    // ∂C/∂y_i = 4 Σ_j (e·p_ij − q_ij) (1 + |y_i − y_j|²)⁻¹ (y_i − y_j); q holds the unnormalised Student-t kernel.
    private static void Gradient(double[] p, double[] y, double[] q, double[] gradient, int n, double exaggeration)
    {
        var partial = new double[n];
        Parallel.For(0, n, i =>
        {
            double sum = 0;
            for (var j = 0; j < n; j++)
            {
                if (j == i)
                {
                    q[(i * n) + j] = 0;
                    continue;
                }

                var dx = y[2 * i] - y[2 * j];
                var dy = y[(2 * i) + 1] - y[(2 * j) + 1];
                var kernel = 1 / (1 + (dx * dx) + (dy * dy));
                q[(i * n) + j] = kernel;
                sum += kernel;
            }

            partial[i] = sum;
        });
        var z = partial.Sum();
        Parallel.For(0, n, i =>
        {
            double gx = 0, gy = 0;
            for (var j = 0; j < n; j++)
            {
                var kernel = q[(i * n) + j];
                var force = ((exaggeration * p[(i * n) + j]) - (kernel / z)) * kernel;
                gx += force * (y[2 * i] - y[2 * j]);
                gy += force * (y[(2 * i) + 1] - y[(2 * j) + 1]);
            }

            gradient[2 * i] = 4 * gx;
            gradient[(2 * i) + 1] = 4 * gy;
        });
    }

    private static double Gaussian(Random random)
    {
        // Box–Muller
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}

namespace FitCluster.Training.Tests.Evaluation;

/// <summary>
/// Synthetic test users in the paper's evaluation layout: one positive and one negative sample per user, with scores
/// from a strong scorer (A) and two equally weak, independent scorers (B, C), rounded to 2 decimals to create ties.
/// </summary>
internal sealed class TestUsers
{
    private TestUsers(float[] labels, int[] groups, float[] scoresA, float[] scoresB, float[] scoresC)
    {
        Labels = labels;
        Groups = groups;
        ScoresA = scoresA;
        ScoresB = scoresB;
        ScoresC = scoresC;
    }

    public float[] Labels { get; }

    public int[] Groups { get; }

    public float[] ScoresA { get; }

    public float[] ScoresB { get; }

    public float[] ScoresC { get; }

    public static TestUsers Create(int userCount, int seed)
    {
        var random = new Random(seed);
        var count = 2 * userCount;
        var labels = new float[count];
        var groups = new int[count];
        var scoresA = new float[count];
        var scoresB = new float[count];
        var scoresC = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Sparse, unordered user ids: the bootstrap must not assume 0..users-1.
            groups[i] = ((i / 2) * 7919) + 13;
            labels[i] = i % 2 == 0 ? 1f : 0f;
            scoresA[i] = Score(random, labels[i] * 1.5);
            scoresB[i] = Score(random, labels[i] * 0.5);
            scoresC[i] = Score(random, labels[i] * 0.5);
        }

        return new TestUsers(labels, groups, scoresA, scoresB, scoresC);
    }

    private static float Score(Random random, double mean)
    {
        // Box–Muller normal noise around the class mean.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var noise = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return (float)Math.Round(mean + noise, 2);
    }
}

namespace FitCluster.Training.Data;

/// <summary>The Amazon 2014 review subsets the paper uses; the name is the file stem (<c>reviews_Books_5.json</c>).</summary>
public enum AmazonSubset
{
    /// <summary>Electronics: <c>reviews_Electronics_5.json</c>, <c>meta_Electronics.json</c>.</summary>
    Electronics,

    /// <summary>Books: <c>reviews_Books_5.json</c>, <c>meta_Books.json</c>.</summary>
    Books,
}

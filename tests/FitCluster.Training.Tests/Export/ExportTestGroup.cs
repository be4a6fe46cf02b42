namespace FitCluster.Training.Tests.Export;

/// <summary>Export tests share one <see cref="ExportFixture"/>: two small models trained once.</summary>
[CollectionDefinition(Name)]
public sealed class ExportTestGroup : ICollectionFixture<ExportFixture>
{
    public const string Name = "export";
}

namespace FitCluster.Training.Models;

/// <summary>Builds the model an <see cref="ModelOptions"/> names.</summary>
public static class ModelFactory
{
    /// <summary>Creates an untrained model for the schema.</summary>
    public static RankingModel Create(FeatureSchema schema, ModelOptions options) => options.Kind switch
    {
        ModelKind.TwoTower => new TwoTowerModel(schema, options),
        ModelKind.Fit => new FitModel(schema, options),
        ModelKind.Dat => new DatModel(schema, options),
        ModelKind.Cold => new ColdModel(schema, options),
        ModelKind.IntTower => new IntTowerModel(schema, options),
        ModelKind.RankTower => new RankTowerModel(schema, options),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown model kind."),
    };
}

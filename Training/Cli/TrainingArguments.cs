using System.CommandLine;
using FitCluster.Training.Data;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Cli;

/// <summary>The options shared by <c>train</c>, <c>demo</c> and <c>bench</c>, and their conversion to option records.</summary>
public sealed class TrainingArguments
{
    /// <summary><c>--dataset</c>.</summary>
    public Option<string> Dataset { get; } = new("--dataset") { Description = "Dataset: synthetic (built in), ml-1m, amazon-electronics, amazon-books, taobao (need --data), or a dataset schema file SCHEMA.json (docs/training.md, \"Your own data\")", DefaultValueFactory = _ => "synthetic" };

    /// <summary><c>--data</c>.</summary>
    public Option<string?> Data { get; } = new("--data") { Description = "Folder with the dataset's public files (ml-1m: ratings.dat, users.dat, movies.dat; see docs/training.md); for a schema, where its file names resolve (default: the schema's folder)" };

    /// <summary><c>--epochs</c>.</summary>
    public Option<int> Epochs { get; } = new("--epochs") { Description = "Maximum epochs (early stopping on validation AUC)", DefaultValueFactory = _ => 6 };

    /// <summary><c>--seed</c>.</summary>
    public Option<int> Seed { get; } = new("--seed") { Description = "Training seed (initialisation, shuffling)", DefaultValueFactory = _ => 42 };

    /// <summary><c>--data-seed</c>.</summary>
    public Option<int> DataSeed { get; } = new("--data-seed") { Description = "Seed of negative sampling and the validation split", DefaultValueFactory = _ => SampleBuilderOptions.DefaultSeed };

    /// <summary><c>--batch-size</c>.</summary>
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => 2048 };

    /// <summary><c>--lr</c>.</summary>
    public Option<double> LearningRate { get; } = new("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3 };

    /// <summary><c>--weight-decay</c>.</summary>
    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "Adam L2 weight decay", DefaultValueFactory = _ => 0.0 };

    /// <summary><c>--dropout</c>.</summary>
    public Option<double> Dropout { get; } = new("--dropout") { Description = "Dropout after hidden tower layers", DefaultValueFactory = _ => 0.0 };

    /// <summary><c>--temperature-epochs</c>.</summary>
    public Option<double> TemperatureEpochs { get; } = new("--temperature-epochs") { Description = "FIT: epochs over which the soft query's τ decays to its floor (eq. 23; paper: 1)", DefaultValueFactory = _ => 1.0 };

    /// <summary><c>--patience</c>.</summary>
    public Option<int> Patience { get; } = new("--patience") { Description = "Epochs without improvement before stopping", DefaultValueFactory = _ => 2 };

    /// <summary><c>--max-users</c>.</summary>
    public Option<int?> MaxUsers { get; } = new("--max-users") { Description = "Use only the first N users (a small slice)" };

    /// <summary><c>--meta-size</c>.</summary>
    public Option<int> MetaSize { get; } = new("--meta-size") { Description = "FIT: item meta vector count N", DefaultValueFactory = _ => ModelOptions.DefaultMetaSize };

    /// <summary><c>--heads</c>.</summary>
    public Option<int> Heads { get; } = new("--heads") { Description = "FIT: LSS heads H_u = H_v", DefaultValueFactory = _ => ModelOptions.DefaultHeads };

    /// <summary><c>--head-dim</c>.</summary>
    public Option<int> HeadDim { get; } = new("--head-dim") { Description = "FIT: LSS sub-space dimension p", DefaultValueFactory = _ => ModelOptions.DefaultHeadDim };

    /// <summary><c>--contrastive-weight</c>.</summary>
    public Option<double?> ContrastiveWeight { get; } = new("--contrastive-weight") { Description = "inttower, fit-cir: weight λ of the in-batch contrastive regulariser (default: the preset's, 0.1; 0 turns it off)" };

    /// <summary><c>--tower-output</c>.</summary>
    public Option<string?> TowerOutput { get; } = new("--tower-output") { Description = "FIT: the towers' last layer, relu or linear (default: linear with the dot product, relu otherwise)" };

    /// <summary><c>--resume</c>.</summary>
    public Option<bool> Resume { get; } = new("--resume") { Description = "Save each run's state after every epoch (RUN/resume/) and continue an interrupted run from its last finished epoch, with the same numbers as an uninterrupted run (docs/training.md, \"Resuming\")" };

    /// <summary><c>--threads</c>.</summary>
    public Option<int?> Threads { get; } = new("--threads") { Description = "libtorch threads (default: one per core)" };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Dataset, Data, Epochs, Seed, DataSeed, BatchSize, LearningRate, WeightDecay, Dropout, TemperatureEpochs, Patience, MaxUsers, MetaSize, Heads, HeadDim, ContrastiveWeight, TowerOutput, Threads, Resume })
        {
            command.Add(option);
        }
    }

    /// <summary>Protocol options from the parse result.</summary>
    public SampleBuilderOptions Samples(ParseResult parse) => new()
    {
        Seed = parse.GetValue(DataSeed),
        MaxUsers = parse.GetValue(MaxUsers),
    };

    /// <summary>Optimisation options from the parse result, with the given seed.</summary>
    public TrainOptions Train(ParseResult parse, int? seed = null) => new()
    {
        Epochs = parse.GetValue(Epochs),
        Seed = seed ?? parse.GetValue(Seed),
        BatchSize = parse.GetValue(BatchSize),
        LearningRate = parse.GetValue(LearningRate),
        WeightDecay = parse.GetValue(WeightDecay),
        Patience = parse.GetValue(Patience),
        TemperatureEpochs = parse.GetValue(TemperatureEpochs),
        Threads = parse.GetValue(Threads),
        Resume = parse.GetValue(Resume),
    };

    /// <summary>Architecture options of the named preset, with size overrides from the parse result.</summary>
    /// <exception cref="ArgumentException"><c>--contrastive-weight</c> is negative or not finite, or <c>--tower-output</c> is neither relu nor linear.</exception>
    public ModelOptions Model(ParseResult parse, string preset) => ModelOptions.Preset(preset) with
    {
        MetaSize = parse.GetValue(MetaSize),
        UserHeads = parse.GetValue(Heads),
        ItemHeads = parse.GetValue(Heads),
        HeadDim = parse.GetValue(HeadDim),
        Dropout = parse.GetValue(Dropout),
        ContrastiveWeight = parse.GetValue(ContrastiveWeight) switch
        {
            null => ModelOptions.Preset(preset).ContrastiveWeight,
            { } w when double.IsFinite(w) && w >= 0 => w,
            { } w => throw new ArgumentException($"--contrastive-weight must be a finite number ≥ 0; got {w}."),
        },
        LinearTowerOutput = parse.GetValue(TowerOutput) switch
        {
            null => ModelOptions.Preset(preset).LinearTowerOutput,
            "linear" => true,
            "relu" => false,
            var other => throw new ArgumentException($"--tower-output must be relu or linear; got '{other}'."),
        },
    };
}

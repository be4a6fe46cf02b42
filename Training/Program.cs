using System.CommandLine;
using FitCluster.Training.Cli;

var root = new RootCommand("FitCluster trainer: FIT and its baselines with the paper's protocol (TorchSharp)")
{
    TrainCommand.Create(),
    DemoCommand.Create(),
    BenchCommand.Create(),
    ExportCommand.Create(),
};
return root.Parse(args).Invoke();

using System.CommandLine;
using FitCluster.Training.Cli;

var root = new RootCommand("FitCluster trainer: FIT and its baselines with the paper's protocol (TorchSharp)")
{
    TrainCommand.Create(),
    DemoCommand.Create(),
    BenchCommand.Create(),
    ExportCommand.Create(),
    DatasetCommand.Create(),
};
// Bad input (an unknown model or dataset, missing files, a corrupt checkpoint) is one clear line and exit code 2, not a
// stack trace; anything else is a bug and keeps the runtime's report.
try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine($"fit: error: {e.Message}");
    return 2;
}

using System.CommandLine;
using FitCluster.Client.Cli;

var root = new RootCommand("FitCluster client: the HTTP gateway, and ranking from the command line")
{
    RankCommand.Create(),
    GatewayCommand.Create(),
    SealCommand.Create(),
    UpgradeCommand.Create(),
    AdminCommands.Models(),
    AdminCommands.Activate(),
    ItemsCommand.Create(),
};
return root.Parse(args).Invoke();

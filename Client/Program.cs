using System.CommandLine;
using FitCluster.Client.Cli;

var root = new RootCommand("FitCluster client: rank candidates with an exported model")
{
    RankCommand.Create(),
};
return root.Parse(args).Invoke();

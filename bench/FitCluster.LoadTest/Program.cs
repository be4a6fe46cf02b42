using System.CommandLine;
using FitCluster.LoadTest;

// Ctrl+C is handled by the run itself (it stops sending, waits for answers and still prints the results), so
// System.CommandLine's own termination handling, which ends the process after two seconds, is turned off.
// `users`: the user grain's heads cache (UserCacheBench); `items`: item upserts (ItemWriteBench); otherwise the load test.
return args switch
{
    ["users", ..] => await UserCacheBench.Create().Parse(args[1..]).InvokeAsync(),
    ["items", ..] => await ItemWriteBench.Create().Parse(args[1..]).InvokeAsync(),
    _ => await LoadTestCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }),
};

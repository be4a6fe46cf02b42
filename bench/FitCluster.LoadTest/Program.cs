using System.CommandLine;
using FitCluster.LoadTest;

// Ctrl+C is handled by the run itself (it stops sending, waits for answers and still prints the results), so
// System.CommandLine's own termination handling, which ends the process after two seconds, is turned off.
return await LoadTestCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

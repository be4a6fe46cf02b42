using FitCluster.Grains;
using FitCluster.Silo;

// appsettings.json lives beside the binary: the silo reads it wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFitClusterSilo();
builder.Services.AddRanking();
builder.Services.AddSiloHealthChecks();
builder.AddSiloHttpApi();
builder.AddSiloDashboard();

var app = builder.Build();
app.MapSiloHealthChecks();
app.MapSiloHttpApi();
app.MapSiloDashboard();
ThreadPoolSpin.Report(app.Logger);
app.ReportEmbeddedStorage();
GrainContractReport.Report(app.Logger);
try
{
    app.Run();
}
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    Console.Error.WriteLine($"fitcluster silo: invalid configuration: {string.Join(" ", e.Failures)}");
    return 2;
}
catch (AggregateException e) when (e.InnerExceptions.All(x => x is Microsoft.Extensions.Options.OptionsValidationException))
{
    // Several option sets failed at once (e.g. Cluster and Admin): every problem of each.
    var failures = e.InnerExceptions.OfType<Microsoft.Extensions.Options.OptionsValidationException>().SelectMany(x => x.Failures);
    Console.Error.WriteLine($"fitcluster silo: invalid configuration: {string.Join(" ", failures)}");
    return 2;
}

return 0;

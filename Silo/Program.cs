using FitCluster.Grains;
using FitCluster.Silo;

// appsettings.json lives beside the binary: the silo reads it wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFitClusterSilo();
builder.Services.AddRanking();
builder.Services.AddSiloHealthChecks();
builder.AddSiloHttpApi();

var app = builder.Build();
app.MapSiloHealthChecks();
app.MapSiloHttpApi();
ThreadPoolSpin.Report(app.Logger);
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

return 0;

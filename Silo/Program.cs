using FitCluster.Grains;
using FitCluster.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddFitClusterSilo();
builder.Services.AddRanking();
builder.Services.AddSiloHealthChecks();

var app = builder.Build();
app.MapSiloHealthChecks();
app.Run();

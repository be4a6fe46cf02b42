using System.CommandLine;
using FitCluster.Client.Gateway;

namespace FitCluster.Client.Cli;

/// <summary><c>gateway</c>: runs the HTTP gateway in front of a running cluster until stopped.</summary>
public static class GatewayCommand
{
    /// <summary>Builds the command; unrecognised <c>--Section:Key=value</c> arguments go to configuration.</summary>
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var command = new Command("gateway", "Run the HTTP gateway (POST /v1/rank, GET /v1/models, /openapi/v1.json) in front of the cluster")
        {
            urls,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. parse.UnmatchedTokens], ContentRootPath = AppContext.BaseDirectory });
            builder.WebHost.UseUrls(parse.GetRequiredValue(urls));
            builder.AddFitClusterGateway();
            await using var app = builder.Build();
            app.MapFitClusterGateway();
            try
            {
                await app.RunAsync(cancellationToken);
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException e)
            {
                await Console.Error.WriteLineAsync($"fitcluster gateway: invalid configuration: {string.Join(" ", e.Failures)}");
                return 2;
            }

            return 0;
        });
        return command;
    }
}

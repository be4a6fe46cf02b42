using Microsoft.Extensions.Options;

namespace FitCluster.Client.Gateway;

/// <summary>
/// Reports every problem with the admin tokens at once, at start-up: a token shorter than
/// <see cref="AdminOptions.MinimumTokenLength"/> from any source, a token file that is missing, unreadable or empty.
/// </summary>
public sealed class AdminOptionsValidator(IConfiguration configuration) : IValidateOptions<AdminOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (_, problems) = AdminTokens.Load(options, configuration[AdminOptions.EnvironmentVariable]);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

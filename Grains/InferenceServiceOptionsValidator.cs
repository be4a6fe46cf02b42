using FitCluster.Model;
using Microsoft.Extensions.Options;

namespace FitCluster.Grains;

/// <summary>
/// Reports every invalid <see cref="InferenceServiceOptions"/> value at once, at start-up — including a CUDA provider that
/// the probe (<see cref="DeviceProbe"/>) found unusable, unless <see cref="InferenceServiceOptions.FallbackToCpu"/>.
/// </summary>
public sealed class InferenceServiceOptionsValidator(DeviceProbe probe) : IValidateOptions<InferenceServiceOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, InferenceServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.ExecutionProvider))
        {
            failures.Add($"Inference:ExecutionProvider must be Cpu or Cuda, got {options.ExecutionProvider}.");
        }

        if (options.DeviceId < 0)
        {
            failures.Add($"Inference:DeviceId must not be negative, got {options.DeviceId}.");
        }

        if (options.IntraOpThreads is < 0 or > 1024)
        {
            failures.Add($"Inference:IntraOpThreads must be in 0..1024 (0 = ONNX Runtime chooses), got {options.IntraOpThreads}.");
        }

        if (failures.Count == 0 && options.ExecutionProvider == ExecutionProvider.Cuda && !options.FallbackToCpu
            && probe.Unavailable(options) is { } why)
        {
            failures.Add($"Inference:ExecutionProvider is Cuda but {why.TrimEnd('.', ' ')}. Set Inference:FallbackToCpu=true to serve on CPU instead.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

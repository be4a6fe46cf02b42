using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FitCluster.Grains;

/// <summary>Registers where a silo computes: CPU, or CUDA probed at start (<see cref="DeviceInference"/>).</summary>
public static class DeviceInferenceServiceCollectionExtensions
{
    /// <summary>Adds <see cref="InferenceServiceOptions"/> (section <c>Inference</c>, validated at start with the provider probe) and <see cref="DeviceInference"/>.</summary>
    public static IServiceCollection AddDeviceInference(this IServiceCollection services)
    {
        services.AddOptions<InferenceServiceOptions>().BindConfiguration(InferenceServiceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InferenceServiceOptions>, InferenceServiceOptionsValidator>();
        services.AddSingleton<DeviceProbe>();
        services.AddSingleton<DeviceInference>();
        services.AddHostedService<DeviceInferenceStartup>();
        return services;
    }
}

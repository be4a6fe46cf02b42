using System.Collections.Immutable;
using System.Reflection;
using FitCluster.Grains.Interfaces;

namespace FitCluster.Client.Tests.Infrastructure;

/// <summary>
/// Stand-ins for the cluster behind the HTTP API: an <see cref="IGrainFactory"/> whose ranking and catalog grains do
/// what a test says (answer, fail, or never answer until cancelled) and count the activations asked of them.
/// </summary>
public sealed class FakeGrains
{
    private int _activations;

    /// <summary>What <c>IRankingGrain.RankAsync</c> does; by default a one-item answer.</summary>
    public Func<RankRequest, CancellationToken, Task<RankResponse>> Rank { get; set; } = (request, _) => Task.FromResult(Answer(request));

    /// <summary>What <c>IModelCatalogGrain.GetAsync</c> does; by default returns <see cref="Catalog"/>.</summary>
    public Func<CancellationToken, Task<ModelCatalog>> GetCatalog { get; set; }

    /// <summary>The catalog; activation changes its active version.</summary>
    public ModelCatalog Catalog { get; private set; } = new("v1", [], []);

    /// <summary>How many activations reached the catalog grain.</summary>
    public int Activations => Volatile.Read(ref _activations);

    /// <summary>Creates the fakes.</summary>
    public FakeGrains() => GetCatalog = _ => Task.FromResult(Catalog);

    /// <summary>The grain factory to register.</summary>
    public IGrainFactory Factory()
    {
        var factory = DispatchProxy.Create<IGrainFactory, GrainFactoryProxy>();
        ((GrainFactoryProxy)(object)factory).Grains = this;
        return factory;
    }

    /// <summary>Waits until <paramref name="cancellationToken"/> is cancelled, like a call to a silo that will never answer.</summary>
    public static async Task<T> NeverAnswerAsync<T>(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }

    private static RankResponse Answer(RankRequest request) => new(
        "v1", [new ScoredItem(request.Candidates[0], 1f)], 1.0, [], [], [], new StageTimings(0, 0, 0, 0, 0, 1));

    /// <summary>The <see cref="IGrainFactory"/> proxy: only <c>GetGrain</c> of the two grain interfaces the API uses.</summary>
#pragma warning disable CA1852 // DispatchProxy needs an unsealed type
    public class GrainFactoryProxy : DispatchProxy
#pragma warning restore CA1852
    {
        internal FakeGrains Grains { get; set; } = null!;

        /// <inheritdoc />
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: "GetGrain", IsGenericMethod: true })
            {
                var type = targetMethod.GetGenericArguments()[0];
                if (type == typeof(IRankingGrain))
                {
                    return new RankingGrain(Grains);
                }

                if (type == typeof(IModelCatalogGrain))
                {
                    return new CatalogGrain(Grains);
                }
            }

            throw new NotSupportedException($"The fake grain factory does not support {targetMethod}.");
        }
    }

    private sealed class RankingGrain(FakeGrains grains) : IRankingGrain
    {
        public ValueTask<RankResponse> RankAsync(RankRequest request, CancellationToken cancellationToken = default) =>
            new(grains.Rank(request, cancellationToken));
    }

    private sealed class CatalogGrain(FakeGrains grains) : IModelCatalogGrain
    {
        public ValueTask<ModelCatalog> GetAsync(CancellationToken cancellationToken = default) => new(grains.GetCatalog(cancellationToken));

        public ValueTask<ActivationResult> ActivateAsync(string modelVersion, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref grains._activations);
            grains.Catalog = grains.Catalog with { ActiveVersion = modelVersion };
            return new(new ActivationResult(grains.Catalog, null));
        }
    }
}

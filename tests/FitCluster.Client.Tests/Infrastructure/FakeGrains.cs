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

    /// <summary>
    /// What <c>IUserGrain</c>'s writes answer, given the user id and what the door sent (features, or events); by default
    /// everything applied, except the null entries the door sends for parts it refused (refused with a placeholder message).
    /// </summary>
    public Func<string, object, UserWriteResult> UserWrite { get; set; } = DefaultUserWrite;

    /// <summary>Every user write that reached a user grain: the user id and what was sent.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string UserId, object Sent)> UserWrites { get; } = new();

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

                if (type == typeof(IUserGrain))
                {
                    return new UserGrain(Grains, (string)args![0]!);
                }

                if (type == typeof(IItemCatalogGrain))
                {
                    return new ItemCatalogGrain(Grains);
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

    /// <summary>The placeholder message of a refused null entry (the door must put its own reason there).</summary>
    public const string NullEntryMessage = "placeholder: refused as null";

    private static UserWriteResult DefaultUserWrite(string userId, object sent)
    {
        var errors = ImmutableArray.CreateBuilder<UserInputError>();
        var total = 0;
        switch (sent)
        {
            case ImmutableDictionary<string, string?> features:
                foreach (var (name, value) in features.Where(f => f.Value is null))
                {
                    errors.Add(new UserInputError($"features.{name}", "invalid_feature", NullEntryMessage));
                }

                return new UserWriteResult(errors.Count == 0 ? 1 : 0, 0, errors.ToImmutable(), 0);
            case ImmutableArray<UserEvent?> events:
                for (var i = 0; i < events.Length; i++)
                {
                    if (events[i] is null)
                    {
                        errors.Add(new UserInputError($"events[{i}]", "invalid_event", NullEntryMessage));
                    }
                    else
                    {
                        total++;
                    }
                }

                return new UserWriteResult(total, 0, errors.ToImmutable(), total);
            default:
                throw new ArgumentException($"Unexpected user write {sent}.", nameof(sent));
        }
    }

    /// <summary>What the item writer answers (default: every item applied, nothing refused).</summary>
    public Func<object, CancellationToken, Task<ItemWriteResult>> ItemWrite { get; set; } = (sent, _) =>
        Task.FromResult(new ItemWriteResult(sent is ImmutableArray<ItemWrite> items ? items.Length : 1, [], []));

    /// <summary>What reached the item writer: the upserted batches (<c>ImmutableArray&lt;ItemWrite&gt;</c>) and deleted ids (string).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<object> ItemWrites { get; } = new();

    private sealed class ItemCatalogGrain(FakeGrains grains) : IItemCatalogGrain
    {
        public ValueTask<ItemWriteResult> UpsertAsync(ImmutableArray<ItemWrite> items, CancellationToken cancellationToken = default) => Write(items, cancellationToken);

        public ValueTask<ItemWriteResult> DeleteAsync(string id, CancellationToken cancellationToken = default) => Write(id, cancellationToken);

        public ValueTask<CatalogItem?> GetAsync(string id, CancellationToken cancellationToken = default) =>
            new(id == "written" ? new CatalogItem(id, [new ItemFeatureValues("genres", ["a", "b"])], 7, false) : null);

        private async ValueTask<ItemWriteResult> Write(object sent, CancellationToken cancellationToken)
        {
            grains.ItemWrites.Enqueue(sent);
            return await grains.ItemWrite(sent, cancellationToken);
        }
    }

    private sealed class UserGrain(FakeGrains grains, string userId) : IUserGrain
    {
        public ValueTask<UserWriteResult> SetProfileAsync(ImmutableDictionary<string, string?> features, CancellationToken cancellationToken = default) =>
            Write(features);

        public ValueTask<UserWriteResult> AppendEventsAsync(ImmutableArray<UserEvent?> events, CancellationToken cancellationToken = default) =>
            Write(events);

        public ValueTask<StoredUserHeads> GetHeadsAsync(string modelVersion, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The HTTP API never asks a user grain for heads; the ranking grain does.");

        public ValueTask<UserSnapshot> GetAsync(CancellationToken cancellationToken = default) =>
            new(new UserSnapshot(false, ImmutableDictionary<string, string>.Empty, [], 0));

        private ValueTask<UserWriteResult> Write(object sent)
        {
            grains.UserWrites.Enqueue((userId, sent));
            return new(grains.UserWrite(userId, sent));
        }
    }
}

using FitCluster.Grains.Interfaces;

namespace FitCluster.Grains;

/// <summary>Requests by user id (<see cref="RankRequest.UserId"/>): the user grain supplies the heads instead of the user tower.</summary>
public sealed partial class RankingGrain
{
    // The stored user's heads of the model version, from its user grain: the user tower runs there only when its cache
    // holds none for the version (the state or the active version changed since).
    private Task<StoredUserHeads> StartStoredUserHeads(string userId, LoadedModel model, CancellationToken cancellationToken) =>
        GrainFactory.GetGrain<IUserGrain>(userId).GetHeadsAsync(model.ModelVersion, cancellationToken).AsTask();

    // A request names a stored user, or carries the user inline; never both.
    private static string? ValidateStoredUser(RankRequest request)
    {
        if (request.UserId is not { } userId)
        {
            return null;
        }

        if (userId.Length is 0 or > IUserGrain.MaxIdLength)
        {
            return $"user_id must be 1..{IUserGrain.MaxIdLength} characters.";
        }

        return request.UserFeatures is { Count: > 0 } || request.Behaviours is { IsDefaultOrEmpty: false }
            ? "Give either user_id (a stored user) or the user's features and behaviours, not both."
            : null;
    }
}

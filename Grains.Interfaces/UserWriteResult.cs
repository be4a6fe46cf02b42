using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>The answer to a user write: what was applied and what was refused (by field).</summary>
/// <param name="Applied">Events (or profiles) stored by this call.</param>
/// <param name="AlreadyApplied">Events skipped because an event with their id is already stored (a retry).</param>
/// <param name="Errors">The refused parts; empty when everything was applied.</param>
/// <param name="EventCount">Events the user holds after the call.</param>
[GenerateSerializer, Immutable, Alias("fit.UserWriteResult")]
public sealed record UserWriteResult(int Applied, int AlreadyApplied, ImmutableArray<UserInputError> Errors, int EventCount);

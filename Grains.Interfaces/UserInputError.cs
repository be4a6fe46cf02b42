namespace FitCluster.Grains.Interfaces;

/// <summary>Why one part of a user write was refused.</summary>
/// <param name="Field">What was refused: <c>features.NAME</c>, <c>events[INDEX]</c> (the index in the batch as sent) or
/// <c>events</c> / <c>features</c> for the whole batch.</param>
/// <param name="Code">Stable machine-readable code: <c>unknown_feature</c>, <c>invalid_feature</c>, <c>invalid_event</c>,
/// <c>duplicate_event_id</c> (the id appears twice in the batch), <c>event_out_of_order</c> (older than the user's latest
/// event), <c>batch_too_large</c>, <c>empty_batch</c>.</param>
/// <param name="Message">What was wrong, for people.</param>
[GenerateSerializer, Immutable, Alias("fit.UserInputError")]
public sealed record UserInputError(string Field, string Code, string Message);

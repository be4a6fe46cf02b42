namespace FitCluster.Training.Cli;

/// <summary>
/// Reports progress by calling the handler at once, on the reporting thread. <see cref="Progress{T}"/> instead posts each
/// report to the thread pool when there is no synchronization context (a console program), so its lines could arrive
/// after the stage had finished, out of order with lines written directly, and while the caller was already reading
/// what the handler collected.
/// </summary>
/// <typeparam name="T">The report's type.</typeparam>
/// <param name="handler">Called with each report before <see cref="Report"/> returns.</param>
internal sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => handler(value);
}

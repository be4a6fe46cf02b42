using System.Collections.Concurrent;

namespace FitCluster.Client.Tests.Infrastructure;

/// <summary>Every log entry the host writes, kept in memory for assertions.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    /// <summary>The entries so far, in order.</summary>
    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>A text dump for failure messages.</summary>
    public string Describe() => string.Join(Environment.NewLine, Entries.Select(e => $"{e.Level} {e.Category}[{e.EventId}]: {e.Message}{(e.Exception is null ? "" : " " + e.Exception.GetType().Name)}"));

    /// <summary>One log entry.</summary>
    public sealed record Entry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception);

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new Entry(category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}

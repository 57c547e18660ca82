using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Remote.Tests.Infrastructure;

/// <summary>A logger provider that keeps every message at every level (Trace included), with its structured
/// values and exception text, so tests can search everything that would have been logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Text, IReadOnlyList<KeyValuePair<string, object?>> Values);

    public IReadOnlyList<Entry> Entries => _entries.ToList();

    /// <summary>Everything logged, as one text (messages, structured values and exceptions).</summary>
    public string AllText => string.Join("\n", _entries.Select(e => e.Text + " " + string.Join(" ", e.Values.Select(v => $"{v.Key}={Render(v.Value)}"))));

    /// <summary>A structured value as a sink would write it (collections element by element).</summary>
    private static string Render(object? value) => value switch
    {
        null => "",
        string s => s,
        System.Collections.IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Render)) + "]",
        _ => value.ToString() ?? "",
    };

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            var text = formatter(state, exception) + (exception is null ? "" : "\n" + exception);
            owner._entries.Enqueue(new Entry(category, logLevel, eventId, text, values.ToList()));
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>Keeps the warnings and errors a host logs (category, level and formatted message), for assertions.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Every captured line, <c>Level Category: message</c>, oldest first.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
        }
    }
}

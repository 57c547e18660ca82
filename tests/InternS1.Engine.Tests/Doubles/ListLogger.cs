using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace InternS1.Engine.Tests.Doubles;

/// <summary>Keeps every message at or above <paramref name="minimum"/> (level and formatted text).</summary>
public sealed class ListLogger<T>(LogLevel minimum) : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Messages { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) Messages.Enqueue((logLevel, formatter(state, exception)));
    }
}

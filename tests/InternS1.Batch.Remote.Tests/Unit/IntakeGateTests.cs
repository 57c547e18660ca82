using InternS1.Batch.Remote.Tests.Infrastructure;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Remote.Tests.Unit;

/// <summary>The worker's intake gate: named sources close it, it opens when the last one lets go, waiters are released
/// then, and pausing and resuming are logged with the reasons.</summary>
public class IntakeGateTests
{
    private static (IntakeGate Gate, CapturedLogs Logs) NewGate()
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        return (new IntakeGate(factory.CreateLogger<IntakeGate>(), TimeProvider.System), logs);
    }

    [Fact]
    public async Task An_open_gate_lets_a_delivery_through_at_once()
    {
        var (gate, _) = NewGate();
        Assert.True(gate.IsOpen);
        Assert.True(gate.WaitOpenAsync(CancellationToken.None).IsCompletedSuccessfully);
        Assert.Empty(gate.ClosedBy);
        await gate.WaitOpenAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_gate_stays_closed_until_every_source_that_closed_it_has_opened_it()
    {
        var (gate, _) = NewGate();
        var changes = new List<bool>();
        gate.Changed += (_, open) => changes.Add(open);
        gate.Close("remote", "every remote endpoint is down");
        gate.Close("database", "PostgreSQL does not answer");
        var waiting = gate.WaitOpenAsync(CancellationToken.None);

        Assert.Equal("database: PostgreSQL does not answer; remote: every remote endpoint is down", gate.Reasons);
        gate.Open("remote");
        Assert.False(gate.IsOpen);
        Assert.False(waiting.IsCompleted);
        gate.Open("database");
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(gate.IsOpen);
        Assert.Equal([false, true], changes);
    }

    [Fact]
    public void Closing_again_with_the_same_reason_and_opening_a_source_that_never_closed_change_nothing()
    {
        var (gate, logs) = NewGate();
        var changes = 0;
        gate.Changed += (_, _) => changes++;
        gate.Open("remote");
        gate.Close("remote", "down");
        gate.Close("remote", "down");
        Assert.Equal(1, changes);
        Assert.Single(logs.Entries, e => e.EventId.Id == 7201);
    }

    [Fact]
    public async Task A_waiting_delivery_is_cancelled_by_its_token_and_the_gate_is_unchanged()
    {
        var (gate, _) = NewGate();
        gate.Close("remote", "down");
        using var cts = new CancellationTokenSource();
        var waiting = gate.WaitOpenAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.False(gate.IsOpen);
    }

    [Fact]
    public void Pause_and_resume_are_logged_with_the_source_and_reason()
    {
        var (gate, logs) = NewGate();
        gate.Close("remote", "every remote endpoint is down (gpu-1:23333 down: HTTP 503)");
        gate.Open("remote");
        var text = logs.AllText;
        Assert.Contains("Intake paused: remote: every remote endpoint is down (gpu-1:23333 down: HTTP 503)", text);
        Assert.Contains("Intake resumed (remote is back)", text);
        Assert.Equal([LogLevel.Warning, LogLevel.Information], logs.Entries.Select(e => e.Level));
    }
}

using InternS1.Batch.Worker.Consumers;

namespace InternS1.Batch.Tests.Unit;

/// <summary>The per-worker gate of crash attribution: a suspect runs with nothing beside it, and ordinary jobs wait
/// while a suspect runs or waits.</summary>
public class CrashIsolationTests
{
    [Fact]
    public async Task A_suspect_waits_until_the_running_jobs_leave_and_then_runs_alone()
    {
        var gate = new CrashIsolation();
        var a = await gate.EnterAsync(alone: false, CancellationToken.None);
        var b = await gate.EnterAsync(alone: false, CancellationToken.None);
        var suspect = gate.EnterAsync(alone: true, CancellationToken.None);
        var late = gate.EnterAsync(alone: false, CancellationToken.None);

        Assert.False(suspect.IsCompleted);
        a.Dispose();
        Assert.False(suspect.IsCompleted);
        b.Dispose();
        var alone = await suspect;
        Assert.False(late.IsCompleted); // an ordinary job does not start beside a suspect
        alone.Dispose();
        (await late).Dispose();
    }

    [Fact]
    public async Task Waiting_suspects_go_before_new_ordinary_jobs_and_one_at_a_time()
    {
        var gate = new CrashIsolation();
        var first = await gate.EnterAsync(alone: true, CancellationToken.None);
        var second = gate.EnterAsync(alone: true, CancellationToken.None);
        var ordinary = gate.EnterAsync(alone: false, CancellationToken.None);
        Assert.Equal(2, gate.Suspects);

        first.Dispose();
        var next = await second;
        Assert.False(ordinary.IsCompleted);
        next.Dispose();
        (await ordinary).Dispose();
        Assert.Equal(0, gate.Suspects);
    }

    [Fact]
    public async Task A_cancelled_suspect_stops_holding_back_ordinary_jobs()
    {
        var gate = new CrashIsolation();
        var running = await gate.EnterAsync(alone: false, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var suspect = gate.EnterAsync(alone: true, cts.Token);
        var ordinary = gate.EnterAsync(alone: false, CancellationToken.None);

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => suspect);
        (await ordinary).Dispose();
        running.Dispose();
        Assert.Equal(0, gate.Suspects);
    }
}

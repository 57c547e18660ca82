using InternS1.Batch.Remote.Concurrency;
using InternS1.Batch.Remote.Flavors;
using InternS1.Batch.Remote.Options;
using InternS1.Batch.Remote.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Remote.Endpoints;

/// <summary>
/// The configured endpoints, their health and limiters, and the balancer over them: a request goes to the
/// endpoint that is up, not cooling down after a <c>Retry-After</c> (until it passes or one of the endpoint's requests
/// completes cleanly), and has the most free capacity (ties
/// rotate). When no endpoint can take a request the caller waits; waiting while every endpoint is down
/// costs no retry. <see cref="Capacity"/>, <see cref="CapacityChanged"/> and
/// <see cref="AllEndpointsDownChanged"/> are what the worker sizes and pauses its intake by.
/// </summary>
public sealed class EndpointPool
{
    private readonly object _gate = new();
    private readonly object _publishGate = new();
    private readonly List<RemoteEndpoint> _endpoints;
    private readonly RemoteOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private TaskCompletionSource _changed = NewSignal();
    private RemoteCapacity _published;
    private int _next;

    public EndpointPool(IOptions<RemoteOptions> options, ILogger<EndpointPool> logger, TimeProvider? time = null)
    {
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _logger = logger;
        _endpoints = _options.Endpoints.Select(url => new RemoteEndpoint(url, _options.MaxConcurrency)).ToList();
        _published = new RemoteCapacity(_endpoints.Count, 0, 0);
    }

    /// <summary>Raised (synchronously; keep handlers short) when the number of endpoints up or the total
    /// concurrency limit changes.</summary>
    public event EventHandler<RemoteCapacity>? CapacityChanged;

    /// <summary>Raised with <c>true</c> when the last endpoint goes down and <c>false</c> when one comes back.
    /// Before the first probe every endpoint is <see cref="EndpointState.Unknown"/>, which counts as down.</summary>
    public event EventHandler<bool>? AllEndpointsDownChanged;

    internal IReadOnlyList<RemoteEndpoint> Endpoints => _endpoints;

    internal RemoteOptions Options => _options;

    /// <summary>The capacity now.</summary>
    public RemoteCapacity Capacity
    {
        get
        {
            lock (_gate)
                return ComputeCapacity();
        }
    }

    /// <summary>True while no endpoint takes requests.</summary>
    public bool AllDown => Capacity.AllDown;

    /// <summary>A snapshot of every endpoint, in configuration order.</summary>
    public IReadOnlyList<RemoteEndpointStatus> Status()
    {
        lock (_gate)
            return _endpoints.Select(e => e.Snapshot()).ToList();
    }

    /// <summary>Completes when at least one endpoint is up.</summary>
    public async Task WhenAnyUpAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_endpoints.Any(e => e.State == EndpointState.Up))
                    return;
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits for a free slot on the best endpoint and takes it.</summary>
    internal async ValueTask<EndpointLease> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task changed;
            TimeSpan? wakeIn = null;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                RemoteEndpoint? best = null;
                for (var k = 0; k < _endpoints.Count; k++)
                {
                    var e = _endpoints[(_next + k) % _endpoints.Count];
                    if (e.State != EndpointState.Up || e.Limiter.Free == 0)
                        continue;
                    if (e.CoolDownUntil > now)
                    {
                        var wait = e.CoolDownUntil - now;
                        wakeIn = wakeIn is { } w && w < wait ? w : wait;
                        continue;
                    }
                    if (best is null || e.Limiter.Free > best.Limiter.Free)
                        best = e;
                }
                if (best is not null && best.Limiter.TryAcquire(out var epoch))
                {
                    _next = (_endpoints.IndexOf(best) + 1) % _endpoints.Count;
                    return new EndpointLease(this, best, epoch, best.Dialect!, best.Model!);
                }
                changed = _changed.Task;
            }
            if (wakeIn is { } delay)
                await Task.WhenAny(changed, Task.Delay(delay, _time, cancellationToken));
            else
                await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Tells a lease's limiter how long its request waited for the first streamed event.</summary>
    internal void FirstEvent(EndpointLease lease, TimeSpan timeToFirstEvent)
    {
        lock (_gate)
        {
            var before = lease.Endpoint.Limiter.Limit;
            lease.Endpoint.Limiter.FirstEvent(timeToFirstEvent);
            if (lease.Endpoint.Limiter.Limit == before)
                return;
            Pulse();
        }
        Publish();
    }

    /// <summary>Gives a lease's slot back with what the attempt did.</summary>
    internal void Complete(EndpointLease lease, AttemptOutcome outcome)
    {
        var e = lease.Endpoint;
        lock (_gate)
        {
            e.Limiter.Release(outcome.Signal, lease.Epoch);
            if (outcome.Healthy)
                e.ConsecutiveFailures = 0;
            if (outcome.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero)
            {
                var until = _time.GetUtcNow() + retryAfter;
                if (until > e.CoolDownUntil)
                    e.CoolDownUntil = until;
            }
            else if (outcome.Signal == LimiterSignal.Clean && e.CoolDownUntil > _time.GetUtcNow())
            {
                // NOTE: a request of this endpoint that completes cleanly after a Retry-After has freed a slot on the
                // server: the pause ends here and the limiter (already lowered by the refusal) bounds what is sent.
                // Waiting out the whole Retry-After left a batching server idle for most of it after each 503 burst
                // (bench remote, capacity change). A server that is really unavailable completes nothing, so it keeps
                // its pause.
                e.CoolDownUntil = _time.GetUtcNow();
            }
            if (e.State == EndpointState.Up)
            {
                if (outcome.CountsAsFailure)
                    e.ConsecutiveFailures++;
                if (outcome.TakeDown || e.ConsecutiveFailures >= _options.FailuresBeforeDown)
                    SetDown(e, outcome.TakeDown
                        ? outcome.Reason ?? "refused"
                        : $"{e.ConsecutiveFailures} consecutive failures, the last: {outcome.Reason}");
            }
            Pulse();
        }
        Publish();
    }

    /// <summary>Puts an endpoint in rotation with what detection found (its limiter starts again when it
    /// was not up: it may be a restarted server).</summary>
    internal void MarkUp(RemoteEndpoint e, FlavorDialect dialect, string model, string evidence)
    {
        bool logged;
        lock (_gate)
        {
            logged = e.State != EndpointState.Up || e.Dialect != dialect || e.Model != model;
            if (e.State != EndpointState.Up)
                e.Limiter.Reset();
            e.Dialect = dialect;
            e.Model = model;
            e.State = EndpointState.Up;
            e.ConsecutiveFailures = 0;
            e.QueuedScrapes = 0;
            e.LastError = null;
            Pulse();
        }
        if (logged)
            RemoteLog.EndpointUp(_logger, e.Label, dialect.Name, evidence, model, e.Limiter.Limit);
        Publish();
    }

    /// <summary>Takes an endpoint out of rotation (it is probed until it recovers).</summary>
    internal void MarkDown(RemoteEndpoint e, string reason)
    {
        lock (_gate)
        {
            if (e.State == EndpointState.Down && e.LastError == reason)
                return;
            SetDown(e, reason);
            Pulse();
        }
        Publish();
    }

    /// <summary>Applies the load read from the server's metrics: while requests wait there, the limit is capped
    /// at what the server is running (its effective batch size); a queue seen in two scrapes in a row also
    /// halves the limit. No queue lifts the cap.</summary>
    internal void ObserveLoad(RemoteEndpoint e, ServerLoad load)
    {
        lock (_gate)
        {
            e.LastLoad = load;
            if (load.Waiting > 0)
            {
                e.QueuedScrapes++;
                e.Limiter.SetServerCeiling(Math.Max(1, load.Running));
                if (e.QueuedScrapes >= 2)
                    e.Limiter.Decrease();
            }
            else
            {
                e.QueuedScrapes = 0;
                e.Limiter.SetServerCeiling(null);
            }
            RemoteLog.ServerLoad(_logger, e.Label, load.Waiting, load.Running, e.Limiter.Limit, e.Limiter.Cap);
            Pulse();
        }
        Publish();
    }

    private void SetDown(RemoteEndpoint e, string reason)
    {
        var changed = e.State != EndpointState.Down || e.LastError != reason;
        e.State = EndpointState.Down;
        e.LastError = reason;
        e.ConsecutiveFailures = 0;
        if (changed)
            RemoteLog.EndpointDown(_logger, e.Label, reason);
    }

    private RemoteCapacity ComputeCapacity()
    {
        var up = _endpoints.Where(e => e.State == EndpointState.Up).ToList();
        return new RemoteCapacity(_endpoints.Count, up.Count, up.Sum(e => e.Limiter.Limit));
    }

    /// <summary>Wakes every waiter (called under the gate after any change).</summary>
    private void Pulse()
    {
        var old = _changed;
        _changed = NewSignal();
        old.TrySetResult();
    }

    private void Publish()
    {
        lock (_publishGate)
        {
            RemoteCapacity now;
            lock (_gate)
                now = ComputeCapacity();
            var before = _published;
            if (now == before)
                return;
            _published = now;
            CapacityChanged?.Invoke(this, now);
            if (now.AllDown != before.AllDown)
            {
                if (now.AllDown)
                    RemoteLog.AllEndpointsDown(_logger, now.Endpoints);
                else
                    RemoteLog.EndpointsAvailable(_logger, now.UpEndpoints, now.Endpoints, now.TotalLimit);
                AllEndpointsDownChanged?.Invoke(this, now.AllDown);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

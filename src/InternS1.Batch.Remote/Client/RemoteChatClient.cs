using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Faults;
using InternS1.Batch.Remote.Options;
using InternS1.Batch.Remote.Requests;
using InternS1.Batch.Remote.Responses;
using InternS1.Batch.Remote.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace InternS1.Batch.Remote.Client;

/// <summary>
/// Runs chat requests on the remote servers: each attempt waits for a slot on the best endpoint (the
/// one up with the most free capacity), streams the completion and reports back to the endpoint's
/// limiter and health. Transient faults are retried with jittered exponential backoff (Polly), each
/// retry a fresh request on whichever endpoint is best then; a server's <c>Retry-After</c> keeps that
/// endpoint idle until it passes or until one of its requests in flight completes cleanly (a freed slot). Waiting
/// while every endpoint is down uses up no retry.
/// </summary>
/// <remarks>
/// A retry after tokens have streamed is safe: nothing of a failed attempt leaves the client (its partial
/// output is dropped and the completion comes whole from one attempt), and the worker stores the result
/// once per job id. The server's work on the failed attempt is lost, not counted twice.
/// </remarks>
public sealed class RemoteChatClient
{
    private readonly EndpointPool _pool;
    private readonly ChatAttempt _attempt;
    private readonly ResiliencePipeline _pipeline;

    public RemoteChatClient(EndpointPool pool, IHttpClientFactory httpFactory, ILogger<RemoteChatClient> logger,
        RemoteMetrics? metrics = null, TimeProvider? time = null)
    {
        _pool = pool;
        var options = pool.Options;
        time ??= TimeProvider.System;
        _attempt = new ChatAttempt(httpFactory.CreateClient(RemoteHttp.ClientName), options, metrics, logger, time);
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxRetryAttempts > 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RemoteTransientException>(),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is RemoteTransientException e)
                    {
                        RemoteLog.Retrying(logger, args.AttemptNumber + 1, e.Endpoint, e.Kind, e.Message, args.RetryDelay);
                        metrics?.Retried(e.Endpoint);
                    }
                    return ValueTask.CompletedTask;
                },
            });
        _pipeline = builder.Build();
    }

    /// <summary>The endpoints this client balances over (capacity, state, events).</summary>
    public EndpointPool Endpoints => _pool;

    /// <summary>Streams one chat completion to its end.</summary>
    /// <exception cref="UnsupportedByFlavorException">Content the flavor cannot take (nothing was sent).</exception>
    /// <exception cref="RemoteRejectedException">The server refused the request as given (not retried).</exception>
    /// <exception cref="RemoteTransientException">Transient faults outlasted <c>Remote:MaxRetryAttempts</c>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the in-flight request was closed and aborted.</exception>
    /// <exception cref="ArgumentException">A media part that is not a <c>data:</c> URL.</exception>
    public async Task<RemoteCompletion> CompleteAsync(RemoteChatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var attempts = 0;
        try
        {
            var completion = await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                var lease = await _pool.AcquireAsync(token);
                return await _attempt.RunAsync(request, lease, token);
            }, cancellationToken);
            return completion with { Attempts = attempts };
        }
        catch (RemoteTransientException e)
        {
            e.Attempts = attempts;
            throw;
        }
    }
}

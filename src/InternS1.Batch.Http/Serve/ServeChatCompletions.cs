using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using InternS1.Batch.Http.Hosting;
using InternS1.Batch.Http.Serve.Streaming;
using InternS1.Batch.Http.Serve.Wire;
using InternS1.Batch.Storage.Entities;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Preparation;
using InternS1.Batch.Worker.Validation;
using InternS1.Engine.Requests;
using InternS1.Engine.Scheduling;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Http.Serve;

/// <summary>
/// <c>POST /v1/chat/completions</c>: an interactive request runs the job path with the interactive scheduling class.
/// 1. Read and map the body (<see cref="ChatCompletionRequestMapper"/>), validate the job (the worker's validator).
/// 2. Take a waiting place (<see cref="InteractiveAdmission"/>, 503 past <c>Serve:MaxWaiting</c>).
/// 3. Prepare it (<see cref="JobPreparer"/>: template, media intake, token ids) and check it against the engine's limits.
/// Nothing is written for a request refused up to here. 4. Register its <c>jobs</c> row (<see cref="JobLedger"/>).
/// 5. Generate (<see cref="SchedulingClass.Interactive"/>; streamed as server-sent chunks or whole), complete it like a
/// job (<see cref="EngineJobExecutor.ToCompletion"/>; a structured <c>response_format</c>'s answer judged by the
/// consumer's <see cref="StructuredResultValidator"/>), commit its <c>results</c> and <c>token_usage</c> rows through the
/// <see cref="ResultWriter"/>, then answer. A client that goes away aborts the request in the engine (its KV blocks are
/// freed) and leaves the row <c>cancelled</c>; an engine failure leaves it <c>failed</c> and answers 500.
/// </summary>
public sealed partial class ServeChatCompletions(
    ServeEngine engine,
    SubmitPromptJobValidator validator,
    StructuredResultValidator structured,
    JobLedger ledger,
    ResultWriter writer,
    InteractiveAdmission admission,
    IOptions<ServeOptions> options,
    TimeProvider time,
    ILogger<ServeChatCompletions> logger)
{
    internal static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var aborted = context.RequestAborted;
        Running run;
        try
        {
            var request = await ReadAsync(context, id).ConfigureAwait(false);
            var place = admission.Enter();
            try
            {
                run = await PrepareAsync(request, aborted).ConfigureAwait(false);
                run.Place = place;
            }
            catch
            {
                place.Dispose();
                throw;
            }
        }
        catch (ServeException e)
        {
            await ErrorResponses.WriteAsync(context, e.Status, e.Code, e.Message, e.Param, e.RetryAfterSeconds).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }

        using (run.Place)
        {
            await ledger.BeginAsync(new JobAdmission
            {
                JobId = run.Job.JobId, Dataset = run.Job.Dataset, CustomId = run.Job.CustomId, PayloadJson = JobPayload.Serialize(run.Job),
            }, CancellationToken.None).ConfigureAwait(false);
            try
            {
                if (run.Request.Stream) await StreamAsync(context, run, id, created).ConfigureAwait(false);
                else await AnswerAsync(context, run, id, created).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client went away (the engine aborted the request and freed its blocks), or the engine drained.
                await ledger.EndWithoutResultAsync(run.Job.JobId, JobStatus.Cancelled, CancellationToken.None).ConfigureAwait(false);
                LogCancelled(run.Job.JobId);
                if (!aborted.IsCancellationRequested && !context.Response.HasStarted)
                    await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "server_shutting_down",
                        "engine: the server is shutting down; retry on another replica", retryAfterSeconds: InteractiveAdmission.RetryAfterSeconds).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TransientJobException or RequestRejectedException)
            {
                await ledger.EndWithoutResultAsync(run.Job.JobId, JobStatus.Failed, CancellationToken.None).ConfigureAwait(false);
                LogFailed(e, run.Job.JobId);
                var body = ErrorResponses.Body(StatusCodes.Status500InternalServerError, Contracts.Failures.FailureReasons.EngineError, $"engine: {e.Message}", null);
                if (context.Response.HasStarted)
                    await new SseWriter(context.Response, Json).WriteErrorAsync(body, CancellationToken.None).ConfigureAwait(false);
                else
                    await ErrorResponses.WriteAsync(context, StatusCodes.Status500InternalServerError, Contracts.Failures.FailureReasons.EngineError, $"engine: {e.Message}").ConfigureAwait(false);
            }
        }
    }

    private async Task<ServeRequest> ReadAsync(HttpContext context, string id)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new ServeException(StatusCodes.Status400BadRequest, Contracts.Failures.FailureReasons.MalformedMessage,
                $"request body: not valid JSON ({e.Message})");
        }
        var request = ChatCompletionRequestMapper.Map(body, id, context.Request.Headers[ServeOptions.DatasetHeader].FirstOrDefault(), options.Value.Dataset);
        if (validator.Validate(request.Job) is { } rejection)
            throw ServeErrors.From(rejection, request);
        return request;
    }

    private async Task<Running> PrepareAsync(ServeRequest request, CancellationToken cancellationToken)
    {
        var ready = await engine.ReadyAsync(cancellationToken).ConfigureAwait(false);
        PreparedJob prepared;
        try
        {
            prepared = await ready.Preparer.PrepareAsync(request.Job, cancellationToken).ConfigureAwait(false);
        }
        catch (JobPreparationException e)
        {
            throw ServeErrors.From(e);
        }
        prepared = prepared with { Request = prepared.Request with { SchedulingClass = SchedulingClass.Interactive } };
        try
        {
            RequestValidator.Validate(prepared.Request, ready.Core.Config);
        }
        catch (RequestRejectedException e)
        {
            throw ServeErrors.From(e);
        }
        return new Running(request, prepared, ready);
    }

    private async Task AnswerAsync(HttpContext context, Running run, string id, long created)
    {
        var result = await run.Ready.Engine.GenerateAsync(run.Prepared.Request, context.RequestAborted).ConfigureAwait(false);
        var completion = Complete(run, result);
        await CommitAsync(run, completion).ConfigureAwait(false);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(CompletionResponses.Completion(id, created, completion), Json), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task StreamAsync(HttpContext context, Running run, string id, long created)
    {
        var aborted = context.RequestAborted;
        var model = run.Ready.ModelName;
        var sse = new SseWriter(context.Response, Json);
        var deltas = Channel.CreateUnbounded<EngineDelta>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var generation = run.Ready.Engine.GenerateStreamingAsync(run.Prepared.Request, deltas.Writer, aborted);
        _ = generation.ContinueWith(_ => deltas.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        await sse.StartAsync(aborted).ConfigureAwait(false);
        await sse.WriteAsync(CompletionResponses.Chunk(id, created, model, new ChunkDelta { Role = "assistant", Content = "" }), aborted).ConfigureAwait(false);
        var splitter = new CompletionStreamSplitter(run.Prepared.ThinkingEnabled);
        var text = new System.Text.StringBuilder();
        while (await deltas.Reader.WaitToReadAsync(aborted).ConfigureAwait(false))
        {
            // NOTE: every delta already waiting goes into one chunk, so a slow reader gets fewer, larger events.
            text.Clear();
            while (deltas.Reader.TryRead(out var delta)) text.Append(delta.Text);
            var (reasoning, content) = splitter.Push(text.ToString());
            if (reasoning.Length > 0 || content.Length > 0)
                await sse.WriteAsync(CompletionResponses.Chunk(id, created, model, Delta(reasoning, content)), aborted).ConfigureAwait(false);
        }

        var result = await generation.ConfigureAwait(false);
        var completion = Complete(run, result);
        var (reasoningRest, contentRest) = splitter.Finish(completion.ReasoningContent, completion.Content);
        if (reasoningRest is { Length: > 0 } || contentRest.Length > 0)
            await sse.WriteAsync(CompletionResponses.Chunk(id, created, model, Delta(reasoningRest ?? "", contentRest)), aborted).ConfigureAwait(false);
        if (completion.ToolCalls.Count > 0)
            await sse.WriteAsync(CompletionResponses.Chunk(id, created, model, new ChunkDelta { ToolCalls = CompletionResponses.ToolCallDeltas(completion.ToolCalls) }), aborted).ConfigureAwait(false);
        await sse.WriteAsync(CompletionResponses.Chunk(id, created, model, new ChunkDelta(), completion.FinishReason) with
        {
            StructuredValid = completion.StructuredValid, StructuredError = completion.StructuredError,
        }, aborted).ConfigureAwait(false);
        await CommitAsync(run, completion).ConfigureAwait(false);
        if (run.Request.IncludeUsage)
            await sse.WriteAsync(CompletionResponses.UsageChunk(id, created, model, completion.Usage), aborted).ConfigureAwait(false);
        await sse.DoneAsync(aborted).ConfigureAwait(false);
    }

    private static ChunkDelta Delta(string reasoning, string content) => new()
    {
        ReasoningContent = reasoning.Length > 0 ? reasoning : null,
        Reasoning = reasoning.Length > 0 ? reasoning : null,
        Content = content.Length > 0 ? content : null,
    };

    /// <summary>The engine's result as a job's completion, judged like a job's by the consumer's validator.</summary>
    private JobCompletion Complete(Running run, EngineResult result) =>
        structured.Validate(run.Job, run.Ready.Executor.ToCompletion(run.Job, run.Prepared, result));

    private async Task CommitAsync(Running run, JobCompletion completion)
    {
        // NOTE: the answer is sent after the commit, so a client that got it can find the rows.
        await writer.WriteResultAsync(SubmitPromptJobConsumer.ToRecord(run.Job.JobId, completion), CancellationToken.None).ConfigureAwait(false);
        LogCompleted(run.Job.JobId, run.Job.Dataset, completion.Usage.PromptTokens, completion.Usage.CompletionTokens, completion.FinishReason);
    }

    private sealed class Running(ServeRequest request, PreparedJob prepared, ServeEngine.Parts ready)
    {
        public ServeRequest Request { get; } = request;
        public Contracts.Jobs.SubmitPromptJob Job => Request.Job;
        public PreparedJob Prepared { get; } = prepared;
        public ServeEngine.Parts Ready { get; } = ready;
        public IDisposable Place { get; set; } = null!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Interactive request {JobId} of {Dataset}: {PromptTokens} prompt, {CompletionTokens} completion tokens, {FinishReason}")]
    private partial void LogCompleted(string jobId, string dataset, int promptTokens, int completionTokens, string finishReason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Interactive request {JobId} cancelled (client gone or engine draining)")]
    private partial void LogCancelled(string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Interactive request {JobId} failed in the engine")]
    private partial void LogFailed(Exception exception, string jobId);
}

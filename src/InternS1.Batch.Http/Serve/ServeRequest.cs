using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Jobs;

namespace InternS1.Batch.Http.Serve;

/// <summary>A chat-completions request turned into the job it runs as (<see cref="ChatCompletionRequestMapper"/>),
/// with how the answer is sent.</summary>
/// <param name="Job">The job: messages, tools, sampling, thinking; its id is the response id, its dataset the
/// header's, the <c>user</c> field's or <c>Serve:Dataset</c>.</param>
/// <param name="Stream">Send server-sent <c>chat.completion.chunk</c> events.</param>
/// <param name="IncludeUsage">Streamed: end with a chunk carrying the usage (<c>stream_options.include_usage</c>).</param>
/// <param name="Body">The request body (to name fields in errors as the client wrote them).</param>
/// <param name="DatasetFromHeader">The dataset came from the <c>X-InternS1-Dataset</c> header.</param>
public sealed record ServeRequest(SubmitPromptJob Job, bool Stream, bool IncludeUsage, JsonObject Body, bool DatasetFromHeader);

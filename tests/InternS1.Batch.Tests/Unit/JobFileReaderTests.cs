using System.Security.Cryptography;
using System.Text;
using InternS1.Batch.Contracts.Batch;

namespace InternS1.Batch.Tests.Unit;

public class JobFileReaderTests
{
    private static (IReadOnlyList<JobLine> Jobs, IReadOnlyList<JobFileProblem> Problems) Read(params string[] lines)
        => JobFileReader.Read(new StringReader(string.Join("\n", lines)), "ds");

    [Fact]
    public void Every_structural_problem_is_reported_with_its_line_number()
    {
        var (_, problems) = Read(
            """{"custom_id":"a","messages":[{"role":"user","content":"x"}]}""",
            "not json",
            "[1,2]",
            """{"custom_id":"b"}""",
            """{"custom_id":"c","method":"POST","url":"/v1/chat/completions","body":{"model":"m"}}""",
            "",
            """{"custom_id":"a","messages":[{"role":"user","content":"y"}]}""",
            """{"messages":[{"role":"user","content":"y"}]}""",
            """{"custom_id":"e","url":"/v1/embeddings","body":{"messages":[]}}""");
        Assert.Equal([2, 3, 4, 5, 7, 8, 9], problems.Select(p => p.LineNumber));
        Assert.StartsWith("not valid JSON", problems[0].Message);
        Assert.Equal("expected a JSON object, got an array", problems[1].Message);
        Assert.Equal("messages is missing", problems[2].Message);
        Assert.Equal("body.messages is missing", problems[3].Message);
        Assert.Equal("custom_id 'a' repeats line 1", problems[4].Message);
        Assert.Equal("custom_id is missing or not a non-empty string", problems[5].Message);
        Assert.Equal("url '/v1/embeddings' is not supported (only /v1/chat/completions)", problems[6].Message);
    }

    [Fact]
    public void A_semantically_bad_line_is_left_to_the_worker()
    {
        var (jobs, problems) = Read("""{"custom_id":"a","messages":[{"role":"robot","content":5}],"sampling":{"top_p":7}}""");
        Assert.Empty(problems);
        Assert.Single(jobs);
    }

    [Fact]
    public void A_job_id_is_derived_from_sha256_of_dataset_and_custom_id_when_missing()
    {
        var (jobs, _) = Read("""{"custom_id":"x-1","messages":[{"role":"user","content":"x"}]}""", """{"job_id":"mine","custom_id":"x-2","messages":[]}""");
        var expected = "j-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("ds\0x-1"))).ToLowerInvariant()[..32];
        Assert.Equal(expected, jobs[0].JobId);
        Assert.Equal("mine", jobs[1].JobId);
        Assert.Equal("ds", jobs[0].Job["dataset"]!.GetValue<string>());
    }

    [Fact]
    public void An_openai_batch_line_maps_its_body_onto_a_native_job()
    {
        var (jobs, problems) = Read("""
            {"custom_id":"r1","method":"POST","url":"/v1/chat/completions","body":{"model":"internlm/Intern-S1","messages":[{"role":"user","content":[{"type":"text","text":"what?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}],"temperature":0.2,"top_p":0.9,"max_completion_tokens":64,"seed":7,"stop":"END","chat_template_kwargs":{"enable_thinking":false}}}
            """);
        Assert.Empty(problems);
        var job = jobs[0].Job;
        Assert.Equal("r1", job["custom_id"]!.GetValue<string>());
        Assert.Equal(0.2, job["sampling"]!["temperature"]!.GetValue<double>());
        Assert.Equal(0.9, job["sampling"]!["top_p"]!.GetValue<double>());
        Assert.Equal(64, job["sampling"]!["max_new_tokens"]!.GetValue<int>());
        Assert.Equal(7, job["sampling"]!["seed"]!.GetValue<int>());
        Assert.Equal("END", job["sampling"]!["stop"]![0]!.GetValue<string>());
        Assert.False(job["enable_thinking"]!.GetValue<bool>());
        Assert.Equal("image_url", job["messages"]![0]!["content"]![1]!["type"]!.GetValue<string>());
        Assert.Null(job["model"]);
    }
}

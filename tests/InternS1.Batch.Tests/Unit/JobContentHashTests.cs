using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Validation;

namespace InternS1.Batch.Tests.Unit;

/// <summary>The content hash stored with every job. Expected digests are SHA-256 of canonical texts written out by hand
/// (computed with Python's hashlib over the literal shown).</summary>
public class JobContentHashTests
{
    private static string Hash(string json) => JobContentHash.Compute(JobPayload.Deserialize(json));

    [Fact]
    public void The_hash_is_sha256_of_the_sorted_content_fields_without_the_bookkeeping()
    {
        // {"custom_id":"c","dataset":"d","enable_thinking":true,"messages":[{"content":"hi","role":"user"}]}
        Assert.Equal("4beee5e3d880a52e1aff99033a45c7baaf47c6a44a8caf6e7273a84da51e521b",
            Hash("""{"job_id":"j1","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"hi"}],"priority":5,"metadata":{"m":1}}"""));
    }

    [Fact]
    public void Numbers_keys_and_escapes_are_written_canonically()
    {
        // {"chat_template_kwargs":{"a":1,"b":[1.5,"x"]},"custom_id":"c","dataset":"d","enable_thinking":false,
        //  "messages":[{"content":[{"text":"caf\u00E9","type":"text"}],"role":"user"}],"sampling":{"seed":9007199254740993,"temperature":0.7}}
        Assert.Equal("01636c77e5c79b8f2eae6093985bcaa34c960db86a7117e99671938d8cee4831",
            Hash("""{"sampling":{"temperature":0.70,"seed":9007199254740993},"enable_thinking":false,"chat_template_kwargs":{"b":[1.50,"x"],"a":1.0},"messages":[{"content":[{"type":"text","text":"café"}],"role":"user"}],"custom_id":"c","dataset":"d","job_id":"other"}"""));
    }

    [Theory]
    [InlineData("""{"job_id":"j1","dataset":"d2","custom_id":"c","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"job_id":"j1","dataset":"d","custom_id":"c2","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"job_id":"j1","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"hi!"}]}""")]
    [InlineData("""{"job_id":"j1","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"hi"}],"enable_thinking":false}""")]
    [InlineData("""{"job_id":"j1","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"hi"}],"sampling":{"seed":1}}""")]
    [InlineData("""{"job_id":"j1","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}]}""")]
    public void Another_dataset_custom_id_or_content_gives_another_hash(string json)
        => Assert.NotEqual("4beee5e3d880a52e1aff99033a45c7baaf47c6a44a8caf6e7273a84da51e521b", Hash(json));

    [Theory]
    [InlineData("""{"job_id":"j1","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"hi"}],"priority":5,"metadata":{"m":1}}""",
        "4beee5e3d880a52e1aff99033a45c7baaf47c6a44a8caf6e7273a84da51e521b")]
    [InlineData("""{"sampling":{"temperature":0.70,"seed":9007199254740993},"enable_thinking":false,"chat_template_kwargs":{"b":[1.50,"x"],"a":1.0},"messages":[{"content":[{"type":"text","text":"café"}],"role":"user"}],"custom_id":"c","dataset":"d","job_id":"other"}""",
        "01636c77e5c79b8f2eae6093985bcaa34c960db86a7117e99671938d8cee4831")]
    public void The_hash_of_the_stored_payload_text_is_the_hash_of_the_job(string json, string expected)
    {
        // The consumer serializes a delivery once: the UTF-8 text it stores is the one it hashes.
        var job = JobPayload.Deserialize(json);
        var utf8 = JobPayload.SerializeToUtf8Bytes(job);

        Assert.Equal(JobPayload.Serialize(job), System.Text.Encoding.UTF8.GetString(utf8));
        Assert.Equal(expected, JobContentHash.ComputeFromPayload(utf8));
    }

    [Fact]
    public void The_hashed_fields_are_the_documented_ones()
        => Assert.Equal(["chat_template_kwargs", "custom_id", "dataset", "enable_thinking", "messages", "response_format", "sampling", "tools"],
            JobContentHash.Fields);
}

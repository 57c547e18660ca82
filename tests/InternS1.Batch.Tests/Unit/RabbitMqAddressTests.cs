using InternS1.Batch.Worker.Messaging;

namespace InternS1.Batch.Tests.Unit;

public class RabbitMqAddressTests
{
    [Fact]
    public void An_amqp_uri_is_split_into_its_parts()
    {
        Assert.Equal(new RabbitMqAddress("127.0.0.1", 5672, "/", "guest", "guest", false), RabbitMqAddress.Parse("amqp://guest:guest@127.0.0.1:5672/"));
        Assert.Equal(new RabbitMqAddress("mq", 5671, "jobs", "a b", "p@ss", true), RabbitMqAddress.Parse("amqps://a%20b:p%40ss@mq/jobs"));
    }

    [Fact]
    public void A_non_amqp_uri_is_refused_naming_the_setting_without_the_password()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => RabbitMqAddress.Parse("http://u:secret@host/"));
        Assert.Contains("ConnectionStrings:RabbitMq", ex.Message);
        Assert.DoesNotContain("secret", ex.Message);
    }
}

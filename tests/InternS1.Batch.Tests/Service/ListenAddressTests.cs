using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Tests.Service;

/// <summary>Where the health and metrics endpoints listen: loopback unless told otherwise.</summary>
[Trait("Category", "Service")]
public class ListenAddressTests
{
    /// <summary>An IPv4 address of this machine that is not loopback (the network a worker must not expose itself to).</summary>
    private static IPAddress? ExternalAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    /// <summary>The HTTP status of GET url, or null when nothing accepts the connection.</summary>
    private static async Task<HttpStatusCode?> StatusAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            return (await http.GetAsync(url)).StatusCode;
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return null;
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("0.0.0.0", true)]
    [InlineData("*", true)]
    public async Task Health_and_metrics_listen_on_loopback_by_default_and_on_every_interface_when_told(string? host, bool external)
    {
        var address = ExternalAddress();
        Assert.True(address is not null, "this machine has no non-loopback IPv4 address to test against");
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_listen", default);
        var (health, metrics) = (MetricsScrape.FreePort(), MetricsScrape.FreePort());
        var settings = new Dictionary<string, string?> { ["Worker:HealthPort"] = health.ToString(), ["Worker:MetricsPort"] = metrics.ToString() };
        if (host is not null)
            (settings["Worker:HealthHost"], settings["Worker:MetricsHost"]) = (host, host);
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, env.Queue("listen"), new DeterministicTestExecutor(), settings);

        await TestServices.WaitUntilAsync(async () => await StatusAsync($"http://127.0.0.1:{health}/healthz") == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20), () => Task.FromResult("the health endpoint does not answer on 127.0.0.1"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"http://127.0.0.1:{metrics}/metrics"));
        var expected = external ? HttpStatusCode.OK : (HttpStatusCode?)null;
        Assert.Equal(expected, await StatusAsync($"http://{address}:{health}/healthz"));
        Assert.Equal(expected, await StatusAsync($"http://{address}:{metrics}/metrics"));
    }

    [Fact]
    public async Task A_health_port_another_process_holds_stops_the_worker_at_start_with_an_error_naming_Worker_HealthPort()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_listen_taken", default);
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var settings = new Dictionary<string, string?> { ["Worker:HealthPort"] = port.ToString() };

        var error = await Assert.ThrowsAsync<WorkerStartupException>(async () =>
        {
            await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, env.Queue("taken"), new DeterministicTestExecutor(), settings);
        });
        Assert.StartsWith($"Worker:HealthPort {port}: the health endpoint could not listen on 127.0.0.1:{port}", error.Message);
    }
}

using System.Net;
using System.Net.Sockets;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Health;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;

namespace InternS1.Batch.Tests.Unit;

/// <summary>The health endpoint binds its port when the host starts it, not later in the background.</summary>
public class HealthEndpointStartTests
{
    private static HealthEndpoint Endpoint(IServiceProvider services, int port) => new(services.GetRequiredService<HealthCheckService>(),
        Microsoft.Extensions.Options.Options.Create(new WorkerOptions { HealthPort = port }), NullLogger<HealthEndpoint>.Instance);

    [Fact]
    public async Task A_port_another_socket_listens_on_stops_the_start_with_an_error_naming_Worker_HealthPort()
    {
        await using var services = new ServiceCollection().AddLogging().AddHealthChecks().Services.BuildServiceProvider();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        using var endpoint = Endpoint(services, port);

        var error = await Assert.ThrowsAsync<WorkerStartupException>(() => endpoint.StartAsync(default));
        Assert.StartsWith($"Worker:HealthPort {port}: ", error.Message);
        Assert.Contains("127.0.0.1", error.Message);
    }

    [Fact]
    public async Task Once_started_it_answers_the_first_request()
    {
        await using var services = new ServiceCollection().AddLogging().AddHealthChecks().Services.BuildServiceProvider();
        var port = MetricsScrape.FreePort();
        using var endpoint = Endpoint(services, port);
        await endpoint.StartAsync(default);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            // No retry: a refused connection here means the listener was not bound when StartAsync returned.
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/healthz");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("{\"status\":\"Healthy\"}", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await endpoint.StopAsync(default);
        }
    }

    [Fact]
    public async Task Port_0_listens_nowhere_and_starts_and_stops_cleanly()
    {
        await using var services = new ServiceCollection().AddLogging().AddHealthChecks().Services.BuildServiceProvider();
        using var endpoint = Endpoint(services, 0);
        await endpoint.StartAsync(default);
        await endpoint.StopAsync(default);
    }
}

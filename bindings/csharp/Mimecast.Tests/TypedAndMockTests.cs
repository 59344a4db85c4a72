using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Mimecast.Tests
{
    /// <summary>The typed helpers (System.Text.Json) against the emulator, and IMimecastClient as a mock.</summary>
    public sealed class TypedAndMockTests : EmulatorTests
    {
        private static readonly JsonSerializerOptions Web = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        public TypedAndMockTests(EmulatorFixture fixture) : base(fixture) { }

        public sealed class EchoItem
        {
            public string? Path { get; set; }
            public List<Query>? Echo { get; set; }
        }

        public sealed class Query
        {
            public string? Text { get; set; }
            public int Count { get; set; }
        }

        public sealed class StreamPage
        {
            public List<JsonElement>? Value { get; set; }
            public bool IsCaughtUp { get; set; }
            [JsonPropertyName("@nextPage")] public string? NextPage { get; set; }
        }

        [Fact]
        public async Task RequestOfTSerializesTheBodyAndReadsData()
        {
            using var client = Emu.Client();
            var body = new { data = new[] { new Query { Text = "sales", Count = 3 } } };
            var data = client.Request<List<EchoItem>>("/api/directory/find-groups", body, Web);
            var echo = Assert.Single(data!);
            Assert.Equal("/api/directory/find-groups", echo.Path);
            Assert.Equal("sales", echo.Echo![0].Text);
            Assert.Equal(3, echo.Echo[0].Count);
            // The emulator echoes the data it parsed: the body was serialized with the Web defaults (camelCase).
            var again = await client.RequestAsync<List<EchoItem>>("/api/x", "{\"data\":[{\"text\":\"raw\"}]}", Web);
            Assert.Equal("raw", again![0].Echo![0].Text);
        }

        [Fact]
        public void AMismatchedShapeIsAMalformedResponse()
        {
            using var client = Emu.Client();
            Assert.Throws<MimecastMalformedResponseException>(() => client.Request<int>("/api/x"));
        }

        [Fact]
        public async Task SendOfTReadsTheWholeAnswer()
        {
            using var client = Emu.OAuthClient();
            var request = new MimecastRequest(HttpMethod.Get, "/siem/v1/events/cg")
                .WithQuery("types", "receipt").WithQuery("dateRangeStartsAt", "2026-11-30T00:00:00.000Z").WithQuery("pageSize", "5");
            var page = client.Send<StreamPage>(request, Web);
            Assert.Equal(Emu.SiemEvents().Take(5), page!.Value!.Select(v => v.GetProperty("id").GetString()));
            Assert.False(string.IsNullOrEmpty(page.NextPage));
            var again = await client.SendAsync<StreamPage>(request, Web);
            Assert.Equal(5, again!.Value!.Count);
        }

        [Fact]
        public void AnEventDeserializes()
        {
            var e = new MimecastEvent("{\"id\":\"evt-1\",\"spamScore\":4}");
            Assert.Equal(4, e.Deserialize<Dictionary<string, JsonElement>>()!["spamScore"].GetInt32());
            Assert.Throws<MimecastMalformedResponseException>(() => e.Deserialize<int>());
        }

        /// <summary>
        /// IMimecastClient can be mocked the way mocking libraries do it (a runtime proxy of the interface), and the typed
        /// helpers work over the mock: code under test needs no native library and no server.
        /// </summary>
        [Fact]
        public void TheInterfaceCanBeMocked()
        {
            var mock = DispatchProxy.Create<IMimecastClient, FakeClient>();
            ((FakeClient)(object)mock).Answer = "{\"meta\":{\"status\":200},\"data\":[{\"text\":\"mocked\",\"count\":7}],\"fail\":[]}";
            Assert.Equal(7, mock.Request<List<Query>>("/api/anything", null, Web)![0].Count);
            Assert.Equal("/api/anything", ((FakeClient)(object)mock).Calls.Single());
            IMimecastClient real = Emu.Client();
            using (real) Assert.Equal("Exämple Corp Ltd", real.GetAccount().AccountName);
        }

        public class FakeClient : DispatchProxy
        {
            public string Answer = "{}";
            public List<string> Calls = new List<string>();

            protected override object? Invoke(MethodInfo? method, object?[]? args)
            {
                if (method!.Name == nameof(IMimecastClient.Request))
                {
                    Calls.Add((string)args![0]!);
                    return MimecastResponse.Parse(Answer);
                }
                throw new NotSupportedException(method.Name);
            }
        }
    }
}

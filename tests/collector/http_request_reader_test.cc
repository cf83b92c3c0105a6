#include "collector/http/http_request_reader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace vigil::collector {
namespace {

using Progress = HttpRequestReader::Progress;

constexpr HttpLimits kLimits{/*max_connections=*/16, /*max_body_bytes=*/4096,
                             /*max_header_bytes=*/1024, std::chrono::seconds(5)};

// Feeds `bytes` as a client would send them, `piece` bytes per read, and returns what the reader
// made of them once it stops asking for more (or the bytes run out).
Progress Feed(HttpRequestReader& reader, const std::string& bytes, std::size_t piece = 7) {
  std::size_t at = 0;
  Progress progress = reader.Parse();
  while (progress == Progress::kNeedMore && at < bytes.size()) {
    std::span<char> space = reader.ReadSpace();
    EXPECT_FALSE(space.empty());
    const std::size_t count = std::min({space.size(), piece, bytes.size() - at});
    std::memcpy(space.data(), bytes.data() + at, count);
    reader.Received(count);
    at += count;
    EXPECT_LE(reader.buffer_capacity(), HttpRequestReader::BufferLimit(kLimits));
    progress = reader.Parse();
  }
  return progress;
}

Error RefusalOf(const std::string& bytes) {
  HttpRequestReader reader(kLimits);
  const Progress progress = Feed(reader, bytes);
  EXPECT_EQ(progress, Progress::kRefused) << bytes;
  return progress == Progress::kRefused ? reader.refusal() : Error{};
}

TEST(HttpRequestReader, ReadsARequestWithItsHeadersAndBody) {
  HttpRequestReader reader(kLimits);
  ASSERT_EQ(Feed(reader,
                 "POST /api/v1/x?y=1 HTTP/1.1\r\nHost: c\r\nContent-Type: application/json\r\n"
                 "Content-Length: 2\r\n\r\n{}"),
            Progress::kRequest);
  HttpRequest request = reader.TakeRequest();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/x?y=1");
  EXPECT_EQ(request.path, "/api/v1/x");
  EXPECT_EQ(request.headers.at("content-type"), "application/json");
  EXPECT_EQ(request.body, "{}");
  EXPECT_TRUE(request.keep_alive);
}

TEST(HttpRequestReader, ReadsAChunkedBodyAndPipelinedRequests) {
  HttpRequestReader reader(kLimits);
  const std::string two =
      "POST /a HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2;name=value\r\nde\r\n0\r\n\r\n"
      "GET /b HTTP/1.1\r\nHost: c\r\n\r\n";
  ASSERT_EQ(Feed(reader, two, two.size()), Progress::kRequest);
  EXPECT_EQ(reader.TakeRequest().body, "abcde");
  ASSERT_EQ(reader.Parse(), Progress::kRequest);
  EXPECT_EQ(reader.TakeRequest().path, "/b");
  EXPECT_TRUE(reader.Idle());
}

TEST(HttpRequestReader, JoinsAListHeaderGivenTwice) {
  HttpRequestReader reader(kLimits);
  ASSERT_EQ(Feed(reader,
                 "GET / HTTP/1.1\r\nHost: c\r\nAccept-Encoding: br\r\n"
                 "Accept-Encoding: gzip\r\n\r\n"),
            Progress::kRequest);
  EXPECT_EQ(reader.TakeRequest().headers.at("accept-encoding"), "br, gzip");
}

// Item 1 of the outside attack: a chunk extension that never ends grew the collector without
// bound before any handler ran.
TEST(HttpRequestReader, AChunkExtensionThatNeverEndsIsRefusedWithinTheBound) {
  HttpRequestReader reader(kLimits);
  const std::string start =
      "POST /healthz HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n1;";
  ASSERT_EQ(Feed(reader, start), Progress::kNeedMore);
  const Progress progress = Feed(reader, std::string(1 << 20, 'x'), 4096);
  ASSERT_EQ(progress, Progress::kRefused);
  EXPECT_EQ(HttpStatusOf(reader.refusal().code), 431);
  EXPECT_NE(reader.refusal().message.find("chunk extensions"), std::string::npos);
  EXPECT_LE(reader.buffer_capacity(), HttpRequestReader::BufferLimit(kLimits));
}

TEST(HttpRequestReader, ManyShortChunksWithExtensionsCountAgainstTheHeaderBound) {
  // Each chunk is within every other limit; together their framing is not.
  std::string bytes = "POST /x HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 100; ++i) bytes += "1;" + std::string(40, 'e') + "\r\nx\r\n";
  const Error refusal = RefusalOf(bytes);
  EXPECT_EQ(HttpStatusOf(refusal.code), 431);
}

TEST(HttpRequestReader, TrailerFieldsThatNeverEndAreRefusedWithinTheBound) {
  HttpRequestReader reader(kLimits);
  ASSERT_EQ(Feed(reader,
                 "POST /x HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "1\r\nx\r\n0\r\nX-Trailer: "),
            Progress::kNeedMore);
  ASSERT_EQ(Feed(reader, std::string(1 << 20, 't'), 4096), Progress::kRefused);
  EXPECT_EQ(HttpStatusOf(reader.refusal().code), 431);
  EXPECT_LE(reader.buffer_capacity(), HttpRequestReader::BufferLimit(kLimits));
}

TEST(HttpRequestReader, AHeaderLineThatNeverEndsIsRefusedWithinTheBound) {
  HttpRequestReader reader(kLimits);
  ASSERT_EQ(Feed(reader, "GET / HTTP/1.1\r\nX: "), Progress::kNeedMore);
  ASSERT_EQ(Feed(reader, std::string(1 << 20, 'h'), 4096), Progress::kRefused);
  EXPECT_EQ(HttpStatusOf(reader.refusal().code), 431);
}

TEST(HttpRequestReader, AChunkedBodyOverItsLimitIs413) {
  std::string bytes = "POST /x HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) bytes += "400\r\n" + std::string(1024, 'b') + "\r\n";
  EXPECT_EQ(HttpStatusOf(RefusalOf(bytes).code), 413);
}

// Item 3: a Transfer-Encoding that is not one final "chunked" alone framed the body as a second
// request (request smuggling).
TEST(HttpRequestReader, EveryTransferEncodingButChunkedAloneIsRefused) {
  for (const std::string encoding : {"xchunked", "gzip, chunked", "chunked, gzip", "identity",
                                     "deflate", "chunked, chunked", "", "chunked;q=1"}) {
    const Error refusal =
        RefusalOf("POST /x HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: " + encoding +
                  "\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n");
    EXPECT_EQ(HttpStatusOf(refusal.code), 400) << encoding;
  }
  EXPECT_EQ(HttpStatusOf(RefusalOf("POST /x HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: identity\r\n"
                                   "Content-Length: 3\r\n\r\nabc")
                             .code),
            400);
  EXPECT_EQ(HttpStatusOf(RefusalOf("POST /x HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n"
                                   "Content-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
                             .code),
            400);
  EXPECT_EQ(HttpStatusOf(RefusalOf("POST /x HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n"
                                   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                             .code),
            400);
  EXPECT_EQ(HttpStatusOf(
                RefusalOf("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").code),
            400);
}

TEST(HttpRequestReader, ChunkedInAnyCaseIsAccepted) {
  HttpRequestReader reader(kLimits);
  EXPECT_EQ(Feed(reader,
                 "POST /x HTTP/1.1\r\nHost: c\r\nTransfer-Encoding:  Chunked \r\n\r\n"
                 "0\r\n\r\n"),
            Progress::kRequest);
}

// Item 8: with two Authorization headers the last one won.
TEST(HttpRequestReader, FieldsThatMayAppearOnceAreRefusedTwice) {
  for (const std::string field :
       {"Authorization: Bearer a", "Host: c", "Content-Type: application/json", "Content-Length: 0",
        "Cookie: a=b"}) {
    const Error refusal = RefusalOf(
        "GET /x HTTP/1.1\r\nHost: c\r\nAuthorization: Bearer v\r\nContent-Type: a/b\r\n"
        "Content-Length: 0\r\nCookie: s=1\r\n" +
        field + "\r\n\r\n");
    EXPECT_EQ(HttpStatusOf(refusal.code), 400) << field;
    EXPECT_NE(refusal.message.find("more than once"), std::string::npos) << refusal.message;
  }
  // Differing only in case is still the same field.
  EXPECT_EQ(HttpStatusOf(RefusalOf("GET /x HTTP/1.1\r\nHost: c\r\nauthorization: Bearer v\r\n"
                                   "AUTHORIZATION: Bearer a\r\n\r\n")
                             .code),
            400);
}

// Item 10: HTTP/1.1 without Host was served; malformed chunk sizes closed without an answer.
TEST(HttpRequestReader, AnHttp11RequestWithoutHostIsRefused) {
  EXPECT_EQ(HttpStatusOf(RefusalOf("GET /x HTTP/1.1\r\n\r\n").code), 400);
  HttpRequestReader old(kLimits);
  EXPECT_EQ(Feed(old, "GET /x HTTP/1.0\r\n\r\n"), Progress::kRequest);
}

TEST(HttpRequestReader, MalformedChunkSizesAreAnsweredWith400) {
  for (const std::string size : {"0x2", "2 ", "2;", "-2", "g", "2\t", " 2", "+2"}) {
    const Error refusal =
        RefusalOf("POST /x HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n" + size +
                  "\r\nab\r\n0\r\n\r\n");
    EXPECT_EQ(HttpStatusOf(refusal.code), 400) << size;
    EXPECT_EQ(refusal.code, ErrorCode::kBadRequest) << size;
  }
}

TEST(HttpRequestReader, OtherHttpVersionsAreRefused) {
  EXPECT_EQ(HttpStatusOf(RefusalOf("GET /x HTTP/1.2\r\nHost: c\r\n\r\n").code), 400);
  EXPECT_EQ(HttpStatusOf(RefusalOf("GET /x HTTP/2.0\r\nHost: c\r\n\r\n").code), 400);
}

TEST(HttpRequestReader, AClientThatClosesHalfWayIsClosedNotAnswered) {
  HttpRequestReader reader(kLimits);
  ASSERT_EQ(Feed(reader, "GET /x HTTP/1.1\r\nHo"), Progress::kNeedMore);
  EXPECT_FALSE(reader.Idle());
  reader.ReceivedEnd();
  EXPECT_EQ(reader.Parse(), Progress::kClosed);
}

TEST(HttpRequestReader, IsIdleUntilTheFirstByteOfARequest) {
  HttpRequestReader reader(kLimits);
  EXPECT_TRUE(reader.Idle());
  ASSERT_EQ(Feed(reader, "G"), Progress::kNeedMore);
  EXPECT_FALSE(reader.Idle());
}

}  // namespace
}  // namespace vigil::collector

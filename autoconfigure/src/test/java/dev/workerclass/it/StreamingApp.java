package dev.workerclass.it;

import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * WebFlux-only routes for the streaming tests: bodies that are never held whole, so that what the
 * tests see of memory and back-pressure is the engine's doing. Counters let a test see how far the
 * server got while the client holds back.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class StreamingApp {

	static final int CHUNK = 64 * 1024;

	/** Bytes of request bodies the handlers have taken so far. */
	static final AtomicLong uploaded = new AtomicLong();

	/** Bytes of response bodies the handlers have produced so far. */
	static final AtomicLong produced = new AtomicLong();

	@RestController
	static class Routes {

		/** Counts the body chunk by chunk, releasing each: the handler never aggregates. */
		@PostMapping("/upload")
		Mono<String> upload(ServerHttpRequest request) {
			return request.getBody()
				.map((chunk) -> {
					int size = chunk.readableByteCount();
					DataBufferUtils.release(chunk);
					uploaded.addAndGet(size);
					return (long) size;
				})
				.reduce(0L, Long::sum)
				.map(String::valueOf);
		}

		/**
		 * Takes one chunk, then nothing for {@code ms}, then the rest: while it waits, only what
		 * the engine reads regardless of demand can leave the client.
		 */
		@PostMapping("/upload-stalled")
		Mono<String> uploadStalled(ServerHttpRequest request, @RequestParam long ms) {
			return request.getBody()
				.limitRate(1)
				.concatMap((chunk) -> {
					int size = chunk.readableByteCount();
					DataBufferUtils.release(chunk);
					long before = uploaded.getAndAdd(size);
					return (before == 0) ? Mono.delay(java.time.Duration.ofMillis(ms)).thenReturn((long) size)
							: Mono.just((long) size);
				}, 1)
				.reduce(0L, Long::sum)
				.map(String::valueOf);
		}

		/** {@code mb} megabytes in 64 KB chunks made on demand; fixed-length when {@code fixed}. */
		@GetMapping("/download")
		Mono<Void> download(@RequestParam int mb, @RequestParam(defaultValue = "false") boolean fixed,
				ServerHttpResponse response) {
			long total = mb * 1024L * 1024L;
			response.getHeaders().setContentType(MediaType.APPLICATION_OCTET_STREAM);
			if (fixed) {
				response.getHeaders().set(HttpHeaders.CONTENT_LENGTH, String.valueOf(total));
			}
			Flux<DataBuffer> chunks = Flux.range(0, (int) (total / CHUNK)).map((i) -> {
				byte[] bytes = new byte[CHUNK];
				bytes[0] = i.byteValue();
				produced.addAndGet(CHUNK);
				return DefaultDataBufferFactory.sharedInstance.wrap(bytes);
			});
			return response.writeWith(chunks);
		}

	}

}

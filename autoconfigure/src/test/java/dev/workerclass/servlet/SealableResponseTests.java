package dev.workerclass.servlet;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletResponseWrapper;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SealableResponse}: what a handler writes reaches the container until the
 * response is sealed, and nothing after, by every way a writer or stream is written to.
 */
class SealableResponseTests {

	@Test
	void writerPassesStringsCharactersAndArraysUntilSealed() throws Exception {
		MockHttpServletResponse container = new MockHttpServletResponse();
		SealableResponse response = new SealableResponse(container);
		PrintWriter writer = response.getWriter();
		writer.write("ab");
		writer.write('c');
		writer.write(new char[] { 'd', 'e' });
		writer.print("f");
		writer.append("g");
		writer.flush();
		response.seal();
		writer.write("late");
		writer.write('!');
		writer.write(new char[] { 'x' });
		writer.println("late");
		writer.append("late");
		writer.flush();
		assertThat(container.getContentAsString()).isEqualTo("abcdefg");
	}

	@Test
	void streamPassesBytesUntilSealed() throws Exception {
		MockHttpServletResponse container = new MockHttpServletResponse();
		SealableResponse response = new SealableResponse(container);
		response.getOutputStream().write(new byte[] { 'a', 'b' });
		response.getOutputStream().write('c');
		response.seal();
		response.getOutputStream().write(new byte[] { 'x' });
		response.getOutputStream().write('y');
		response.getOutputStream().flush();
		assertThat(container.getContentAsString()).isEqualTo("abc");
	}

	@Test
	void sealWaitsForAWriteInProgressAndDropsTheNext() throws Exception {
		// The container's writer blocks inside a write (a slow client, say) until released.
		CountDownLatch inWrite = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		StringWriter received = new StringWriter();
		PrintWriter slow = new PrintWriter(received) {
			@Override
			public void write(String text, int offset, int length) {
				inWrite.countDown();
				awaitQuietly(release);
				super.write(text, offset, length);
			}
		};
		SealableResponse response = new SealableResponse(new HttpServletResponseWrapper(new MockHttpServletResponse()) {
			@Override
			public PrintWriter getWriter() {
				return slow;
			}
		});
		PrintWriter writer = response.getWriter();
		Thread handler = Thread.ofVirtual().start(() -> writer.write("in progress"));
		assertThat(inWrite.await(5, TimeUnit.SECONDS)).isTrue();
		Thread sealer = Thread.ofVirtual().start(response::seal);
		// The seal cannot complete while the write is in the container's writer.
		sealer.join(Duration.ofMillis(300));
		assertThat(sealer.isAlive()).isTrue();
		release.countDown();
		sealer.join(Duration.ofSeconds(5));
		assertThat(sealer.isAlive()).isFalse();
		handler.join(Duration.ofSeconds(5));
		writer.write("after the seal");
		writer.println();
		assertThat(received.toString()).isEqualTo("in progress");
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void aSealedResponseKeepsItsStatus() {
		MockHttpServletResponse container = new MockHttpServletResponse();
		SealableResponse response = new SealableResponse(container);
		response.setStatus(201);
		response.seal();
		response.setStatus(500);
		assertThat(container.getStatus()).isEqualTo(201);
	}

}

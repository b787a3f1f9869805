package dev.workerclass.servlet;

import java.io.PrintWriter;

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
	void aSealedResponseKeepsItsStatus() {
		MockHttpServletResponse container = new MockHttpServletResponse();
		SealableResponse response = new SealableResponse(container);
		response.setStatus(201);
		response.seal();
		response.setStatus(500);
		assertThat(container.getStatus()).isEqualTo(201);
	}

}

package dev.workerclass.autoconfigure;

import java.util.stream.Stream;

import org.springframework.boot.web.server.WebServer;

/**
 * Which engine a kind of web server is, as the start-up line and the endpoint name it. Each
 * engine's auto-configuration registers one for the web server class it builds, so the name
 * comes from the engine that knows it, not from a guess at a class name.
 *
 * @param name the engine's name as printed: {@code Tomcat}, {@code Jetty}, {@code Netty}, {@code Undertow}
 * @param webServerType the web server class the engine's factory builds
 */
public record WebServerEngine(String name, Class<? extends WebServer> webServerType) {

	/** Whether {@code webServer} is this engine's. */
	public boolean runs(WebServer webServer) {
		return this.webServerType.isInstance(webServer);
	}

	/**
	 * The name of the engine behind {@code webServer}, among the registered {@code engines}; the
	 * web server's simple class name when none of them runs it (an engine the starter does not know).
	 */
	public static String nameOf(WebServer webServer, Stream<WebServerEngine> engines) {
		return engines.filter((engine) -> engine.runs(webServer))
			.map(WebServerEngine::name)
			.findFirst()
			.orElse(webServer.getClass().getSimpleName());
	}

}

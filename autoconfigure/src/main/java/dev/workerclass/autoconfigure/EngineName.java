package dev.workerclass.autoconfigure;

import org.springframework.boot.web.server.WebServer;

/** The engine behind a web server, as the start-up line and the endpoint name it. */
public final class EngineName {

	private static final String[] ENGINES = { "Tomcat", "Jetty", "Netty", "Undertow" };

	private EngineName() {
	}

	/** {@code Tomcat}, {@code Jetty}, {@code Netty}, ... from the web server's class; its simple name otherwise. */
	public static String of(WebServer webServer) {
		String name = webServer.getClass().getSimpleName();
		for (String engine : ENGINES) {
			if (name.contains(engine)) {
				return engine;
			}
		}
		return name;
	}

}

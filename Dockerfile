# Polyhead's image: built from this checkout, run by docker-compose.yml for the learner, the topic setup
# and the demo producer. Entry point: the polyhead launcher (polyhead --help lists the commands).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src src
COPY topics topics
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /opt/polyhead
COPY --from=build /src/target/polyhead.jar target/polyhead.jar
COPY --from=build /src/target/lib target/lib
COPY polyhead polyhead
COPY topics topics
# One OpenMP thread for ND4J, as the launcher sets outside containers too; the heap fits a small container.
ENV OMP_NUM_THREADS=1 POLYHEAD_JAVA_OPTS=-Xmx1g
EXPOSE 9309
ENTRYPOINT ["/opt/polyhead/polyhead"]
CMD ["--help"]

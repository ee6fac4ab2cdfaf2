# Pulang helpline service. Build: docker build -t pulang .
# Run:   docker run --env-file .env -p 3000:3000 pulang
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

COPY src ./src
COPY flows ./flows
COPY locales ./locales
COPY directory ./directory
COPY tsconfig.json ./

# Refuse to build an image whose flows, texts or directory are broken.
RUN npm run flows:check

USER node
EXPOSE 3000
CMD ["npm", "start"]

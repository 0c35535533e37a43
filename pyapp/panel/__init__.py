"""The agent's panel: state, the actions an agent can take, and views that are pure functions of state."""

import { render } from 'preact'
import { useState } from 'preact/hooks'
import { initialToken, rememberToken } from './admin-client'
import { TokenForm } from './components/token-form'
import { Dashboard } from './dashboard'
import './styles.css'

function App() {
  const [token, setToken] = useState(initialToken)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  if (token === undefined)
    return (
      <TokenForm
        problem={problem}
        onToken={(next) => {
          rememberToken(next)
          setProblem(undefined)
          setToken(next)
        }}
      />
    )
  return (
    <Dashboard
      token={token}
      onSignOut={(why) => {
        rememberToken(undefined)
        setProblem(why)
        setToken(undefined)
      }}
    />
  )
}

const root = document.getElementById('root')
if (root !== null) {
  root.textContent = ''
  render(<App />, root)
}
